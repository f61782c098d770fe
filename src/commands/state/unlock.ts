import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {regionFlag} from '../../lib/cli/flags.js'
import {requireTeamState} from '../../lib/cli/state-command.js'
import {symbols} from '../../lib/cli/style.js'
import {DrctlError} from '../../lib/core/errors.js'
import {describeHolder} from '../../lib/runbook/lock.js'
import {unlockRun} from '../../lib/runbooks/state-unlock.js'

export default class StateUnlock extends BaseCommand<typeof StateUnlock> {
  static override summary = 'Break the team lock a run holds (break-glass), when its holder cannot let go.'
  static override description = `For a run whose machine is gone and whose lease cannot be left to expire. The lock is broken only if RUN still holds it; a process of that run still alive loses its lease at its next heartbeat and stops. The run stays unfinished: resume it (drctl runs resume RUN) or abandon it. A typed confirmation: type the run id, or pass it with --confirm; --yes is not accepted. The lock is written in the home Region unless --region names another state Region.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> RUN_ID',
    '<%= config.bin %> <%= command.id %> RUN_ID --confirm RUN_ID --json',
    '<%= config.bin %> <%= command.id %> RUN_ID --region us-west-2',
  ]
  static override args = {
    run: Args.string({description: 'The run that holds the lock (see drctl state show).', required: true}),
  }
  static override flags = {
    confirm: Flags.string({summary: 'The run id, typed: confirms without a terminal.'}),
    region: regionFlag({summary: 'The state Region to write the lock in (default: the home Region).'}),
  }

  async run() {
    const runId = this.args.run
    const {path, config} = await this.loadConfig()
    const state = requireTeamState(config, path)
    const question = `Break the lock run ${runId} holds? If it is still running it will stop at its next heartbeat.`
    if (this.flags.confirm === undefined) {
      await this.prompter(false, `--confirm ${runId}`).typed(question, runId, {yesSuffices: false})
    } else if (this.flags.confirm !== runId) {
      throw new DrctlError(
        'DRCTL_CONFIRMATION_DECLINED',
        `--confirm does not match the run id "${runId}"; nothing was changed`,
      )
    }
    const aws = await this.awsSession(config, {readOnly: false})
    const broken = await unlockRun(state, aws, {
      runId,
      topologyKey: this.topologyKey(config),
      clock: await this.clock(),
      region: this.flags.region,
    })
    this.out(
      `${this.style.green(symbols.ok)} broke the lock on ${broken.key} in ${broken.region}: it was held by ${describeHolder(broken.holder)}`,
    )
    this.out(
      `  the run is unfinished: drctl runs resume ${runId}${this.flags.sandbox ? ' --sandbox' : ''}, or drctl runs abandon ${runId}`,
    )
    return {runId, key: broken.key, region: broken.region, holder: broken.holder}
  }
}
