import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {regionArg} from '../../../lib/cli/flags.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand, outageModeFlag} from './index.js'

export default class SandboxFaultRegionOutage extends FaultCommand<typeof SandboxFaultRegionOutage> {
  static override summary = 'Make a Region unreachable: every call to it is refused, or hangs.'
  static override description = `Every request signed for REGION fails as if the Region were cut off: with --mode refuse (default) the connection is dropped at once; with --mode hang it is never answered, so clients wait for their own timeout. ARC cluster endpoints located in REGION go down the same way. Calls to other Regions keep working, which is what an unplanned failover needs to be rehearsed.

Metrics stop getting fresh datapoints from the Region. A managed failover away from it leaves the old primary out of its global cluster until the outage is cleared; then it rejoins as a secondary.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> us-east-1',
    '<%= config.bin %> <%= command.id %> us-east-1 --mode hang',
    '<%= config.bin %> sandbox fault clear region-outage',
  ]
  static override args = {
    region: regionArg({description: 'The Region to cut off, like us-east-1.', required: true}),
  }
  static override flags = {
    mode: outageModeFlag(),
  }

  async run() {
    const mode = this.outageMode(this.flags.mode)
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'region-outage', region: this.args.region, mode})
    return {fault, ...this.report(`${this.args.region} is now unreachable (${mode})`, faults)}
  }
}
