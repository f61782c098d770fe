import {hostname, userInfo} from 'node:os'

import {Args, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {symbols} from '../../lib/cli/style.js'
import {loadConfig} from '../../lib/config/load.js'
import {DrctlError} from '../../lib/core/errors.js'
import {approvalsOf, approvalToGive, recordApproval} from '../../lib/runbook/approvals.js'
import {readIdentity} from '../../lib/topology/identity.js'
import {teamStoresForRun} from '../../lib/cli/team-runs.js'

export default class RunsApprove extends BaseCommand<typeof RunsApprove> {
  static override summary = 'Let a run that waits at an approval step go on.'
  static override description = `A run with an approval step (drctl.yaml steps: kind approval) stops there and waits. Approving is a typed confirmation: type the step id, or pass it with --confirm. --yes is not accepted: an approval is always a person's decision. Who approved (the AWS caller, the local user and host) is journaled and shown in the run's report. A run that timed out waiting is approved the same way, then continued with drctl runs resume. When drctl.yaml names a team state table, the approval goes through it: the run sees it wherever it runs.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> RUN_ID',
    '<%= config.bin %> <%= command.id %> RUN_ID --step change-board --confirm change-board',
    '<%= config.bin %> <%= command.id %> RUN_ID --confirm change-board --sandbox --json',
  ]
  static override args = {id: Args.string({description: 'Run id (see drctl runs list).', required: true})}
  static override flags = {
    step: Flags.string({summary: 'The approval step to give (needed when the run has several open).'}),
    confirm: Flags.string({summary: 'The step id, typed: confirms without a terminal.'}),
  }

  async run() {
    const team = await teamStoresForRun(await this.teamContext(), this.args.id)
    const run = approvalsOf(this.home(), this.args.id)
    // Approvals given through the table that the run has not journaled yet count as given.
    for (const given of team ? await team.mirror.approvals(run.runId) : []) {
      const approval = run.approvals.find((candidate) => candidate.step === given.step)
      if (approval) approval.approvedBy ??= given.by
    }
    if (run.sandbox !== Boolean(this.flags.sandbox))
      throw new DrctlError(
        'DRCTL_USAGE',
        `run ${run.runId} ran ${run.sandbox ? 'on the sandbox: add --sandbox' : 'against AWS: drop --sandbox'}`,
      )
    const approval = approvalToGive(run.approvals, this.flags.step, run.runId)
    const question = `Approve "${approval.title}" of run ${run.runId} (${run.title})?${approval.waiting ? '' : ' The run has not reached it yet; it will not stop there.'}`
    if (this.flags.confirm === undefined) {
      await this.prompter(false, `--confirm ${approval.step}`).typed(question, approval.step, {yesSuffices: false})
    } else if (this.flags.confirm !== approval.step) {
      throw new DrctlError(
        'DRCTL_CONFIRMATION_DECLINED',
        `--confirm does not match the step id "${approval.step}"; nothing was approved`,
      )
    }
    const {config} = this.flags.config ? await this.loadConfig() : await loadConfig(run.configPath)
    // Who approves is asked of STS in a Region the run calls: never the Region an unplanned failover left.
    const region = config.regions.find((candidate) => !run.excludedRegions.includes(candidate))
    const identity = await readIdentity(config, await this.awsSession(config, {readOnly: true}), region)
    const by = `${identity.arn} (${userInfo().username}@${hostname()})`
    if (team) {
      // The run's own process journals it when it finds it in the table: one writer per journal.
      const pushed = await team.mirror.pushApproval(run.runId, {step: approval.step, by, at: new Date().toISOString()})
      if (!pushed.given) {
        throw new DrctlError('DRCTL_USAGE', `approval ${approval.step} was already given by ${pushed.by ?? 'someone'}`)
      }
    } else {
      recordApproval(this.home(), run.runId, approval.step, by)
    }
    this.out(`${this.style.green(symbols.ok)} approved ${approval.step} of run ${run.runId} as ${by}`)
    return {runId: run.runId, step: approval.step, by, waiting: approval.waiting}
  }
}
