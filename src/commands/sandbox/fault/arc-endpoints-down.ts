import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {regionListFlag} from '../../../lib/cli/flags.js'
import {DrctlError} from '../../../lib/core/errors.js'
import {ARC_ENDPOINT_REGIONS, setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand, outageModeFlag} from './index.js'

export default class SandboxFaultArcEndpointsDown extends FaultCommand<typeof SandboxFaultArcEndpointsDown> {
  static override summary = 'Take ARC cluster endpoints down: the first COUNT, or those in --regions.'
  static override description = `The ARC cluster has five endpoints (${ARC_ENDPOINT_REGIONS.map((region, index) => `arc${index + 1} ${region}`).join(', ')}); AWS keeps at least three up and clients must rotate across them. This takes the first COUNT endpoints down, or the ones in the given Regions. With --mode refuse (default) every connection to them is reset as it opens (the port stays theirs, so no other process's listener can answer in their place); with --mode hang they accept connections and never answer.

A COUNT of 4 leaves one endpoint answering: drctl's rotation must still find it.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> 4',
    '<%= config.bin %> <%= command.id %> 2 --mode hang',
    '<%= config.bin %> <%= command.id %> --regions us-east-1,us-west-2',
  ]
  static override args = {
    count: Args.integer({description: `How many endpoints to take down (0–${ARC_ENDPOINT_REGIONS.length}), in order.`}),
  }
  static override flags = {
    regions: regionListFlag({summary: 'Take down the endpoints in these Regions instead (comma-separated).'}),
    mode: outageModeFlag('refuse: connections reset at once; hang: never answer.'),
  }

  async run() {
    const {count} = this.args
    const regions = this.flags.regions
      ?.split(',')
      .map((region) => region.trim())
      .filter(Boolean)
    if ((count === undefined) === (regions === undefined)) {
      throw new DrctlError('DRCTL_USAGE', 'give either COUNT or --regions (exactly one of them)', {
        hints: ['e.g. `drctl sandbox fault arc-endpoints-down 4` or `--regions us-east-1,us-west-2`'],
      })
    }
    const mode = this.outageMode(this.flags.mode)
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'arc-endpoints-down', count, regions, mode})
    const down = fault.kind === 'arc-endpoints-down' ? fault.endpoints.length : 0
    return {
      fault,
      ...this.report(`${down} of ${ARC_ENDPOINT_REGIONS.length} ARC cluster endpoints are down (${mode})`, faults),
    }
  }
}
