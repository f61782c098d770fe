import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {CONTROL_PLANE_SERVICES, setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand, outageModeFlag} from './index.js'

export default class SandboxFaultControlPlaneOutage extends FaultCommand<typeof SandboxFaultControlPlaneOutage> {
  static override summary = "Take one global service's control plane down: Route 53, CloudFront or Global Accelerator."
  static override description = `Every call to SERVICE fails as if its control plane were cut off, whatever Region the call is signed for: with --mode refuse (default) the connection is dropped at once; with --mode hang it is never answered. Every other service, and every Region, keeps working. It is a Region outage for one service only: Route 53 and CloudFront have their control planes in us-east-1 and Global Accelerator in us-west-2 (a region-outage of that Region takes them down too).

Use it to rehearse an application step (route53-record, cloudfront-origin, global-accelerator-dial) whose control plane does not answer: an unplanned failover defers the step as a follow-up, unless it is required.

SERVICE is the service's signing name: ${CONTROL_PLANE_SERVICES.join(', ')}.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> route53',
    '<%= config.bin %> <%= command.id %> cloudfront --mode hang',
    '<%= config.bin %> <%= command.id %> globalaccelerator',
    '<%= config.bin %> sandbox fault clear control-plane-outage',
  ]
  static override args = {
    service: Args.string({
      description: `The global service: ${CONTROL_PLANE_SERVICES.join(', ')}.`,
      required: true,
    }),
  }
  static override flags = {
    mode: outageModeFlag(),
  }

  async run() {
    const service = this.oneOf('SERVICE', this.args.service, CONTROL_PLANE_SERVICES, {
      one: 'a global service',
      all: 'global services',
    })
    const mode = this.outageMode(this.flags.mode)
    const {fault, faults} = await setFault(this.sandboxHome(), {kind: 'control-plane-outage', service, mode})
    return {fault, ...this.report(`the ${service} control plane is now down (${mode})`, faults)}
  }
}
