import {Args} from '@oclif/core'

import {bareId} from '../../../lib/sandbox/services/route53/records.js'
import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {describeWorld, setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultZoneBusy extends FaultCommand<typeof SandboxFaultZoneBusy> {
  static override summary = 'Make Route 53 refuse changes to a hosted zone while an earlier change is PENDING.'
  static override description = `While a change to ZONE is PENDING (not yet INSYNC), every other ChangeResourceRecordSets on that zone is answered PriorRequestNotComplete, as Route 53 does when it is still processing a zone's earlier request. Use it to rehearse the retries of a route53-record step.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> Z0123456789ABCDEFGHIJ',
    '<%= config.bin %> sandbox fault clear zone-busy',
  ]
  static override args = {
    zone: Args.string({description: 'The hosted zone id (sandbox show lists them).', required: true}),
  }

  async run() {
    const home = this.sandboxHome()
    const known = (await describeWorld(home)).route53.hostedZones.map((zone) => zone.id)
    const id = this.oneOf('ZONE', bareId(this.args.zone), known, {
      one: 'a Route 53 hosted zone',
      all: 'Route 53 hosted zones',
    })
    const {fault, faults} = await setFault(home, {kind: 'zone-busy', hostedZoneId: id})
    return {fault, ...this.report(`hosted zone ${id} refuses changes while one is PENDING`, faults)}
  }
}
