import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {regionArg} from '../../../lib/cli/flags.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultLag extends FaultCommand<typeof SandboxFaultLag> {
  static override summary = 'Make a global cluster’s member in REGION lag its primary by about MS.'
  static override description = `The replication lag metrics of the member cluster in REGION (AuroraGlobalDBReplicationLag, and AuroraGlobalDBRPOLag where the engine publishes it) read about MS while it is a secondary, and a switchover to it takes that much longer. A managed failover to it loses about that much data. Use it to rehearse drctl's lag gates (gates.maxReplicationLagMs).

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> orders-global us-west-2 30000',
    '<%= config.bin %> <%= command.id %> catalog-global us-west-2 800',
  ]
  static override args = {
    globalCluster: Args.string({description: 'The global cluster identifier.', required: true}),
    region: regionArg({description: 'The Region of the member cluster that lags.', required: true}),
    ms: Args.string({description: 'The lag, in milliseconds.', required: true}),
  }

  async run() {
    const {globalCluster, region} = this.args
    const ms = Number(this.args.ms)
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'lag', globalCluster, region, ms})
    return {fault, ...this.report(`${globalCluster} in ${region} now lags about ${ms}ms`, faults)}
  }
}
