import {Args} from '@oclif/core'

import {EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../../lib/cli/base-command.js'
import {regionFlag} from '../../../lib/cli/flags.js'
import {setFault} from '../../../lib/sandbox/index.js'
import {FaultCommand} from './index.js'

export default class SandboxFaultStackDeleteFails extends FaultCommand<typeof SandboxFaultStackDeleteFails> {
  static override summary = 'Make the deletion of a CloudFormation stack end in DELETE_FAILED.'
  static override description = `The next DeleteStack of STACK runs for the usual time and then ends in DELETE_FAILED, with one resource (its S3 bucket, "not empty") in DELETE_FAILED, as happens for real. Deleting again with RetainResources naming that resource succeeds. Use it to rehearse drctl teardown's handling of failed stack deletions.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> retail-app-usw2',
    '<%= config.bin %> <%= command.id %> retail-app-use1 --region us-east-1',
  ]
  static override args = {
    stack: Args.string({description: 'The stack name.', required: true}),
  }
  static override flags = {
    region: regionFlag({summary: 'The stack’s Region (needed only when the name exists in several).'}),
  }

  async run() {
    const {fault, faults} = await setFault(this.sandboxHome(), {
      kind: 'stack-delete-fails',
      stack: this.args.stack,
      region: this.flags.region,
    })
    return {fault, ...this.report(`deleting ${this.args.stack} will now fail`, faults)}
  }
}
