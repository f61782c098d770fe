import {type Command, Flags} from '@oclif/core'

import type {AwsSession} from '../aws/session.js'
import {LIMITS} from '../config/limits.js'
import {type DrctlConfig, teamState} from '../config/schema.js'
import {systemClock} from '../core/clock.js'
import {DrctlError} from '../core/errors.js'
import type {EngineContext, RunIdentity, RunResult} from '../runbook/engine-context.js'
import {resumeRun, startRun} from '../runbook/engine.js'
import {assertNoUnfinishedRun, detachedSurvivors} from '../runbook/runs.js'
import type {LockStore} from '../runbook/lock.js'
import {stateRegion, teamStores} from '../runbook/team-state.js'
import type {RunPlan} from '../runbook/types.js'
import type {KnownSurvivor, Topology} from '../topology/views.js'
import {observe, type ObserveOptions} from '../topology/observe.js'
import {MutatingCommand} from './base-command.js'
import {durationFlag} from './flags.js'
import {planResult, renderPlan, renderRunResult} from './render-plan.js'
import {symbols} from './style.js'
import {reportsContext} from './team-reports.js'
import {teamStoresForRun} from './team-runs.js'

export interface ExecuteOptions {
  config: DrctlConfig
  configPath: string
  aws: AwsSession
  /** The observation the plan was made from (the report's "before"). */
  before?: Topology
  /** A fresh observation for the report's "after" (restricted like the run). */
  observe: () => Promise<Topology>
  /** Whether --yes also answers a typed confirmation (e.g. only together with --allow-data-loss). */
  yesSatisfiesTyped?: boolean
  /** The command's own flags, recorded in the journal and report (--yes and --sandbox are added). */
  flags: Record<string, unknown>
}

/** What driving a run (started or resumed) needs; `stateRegion` picks the team state Region (see team-state.ts). */
type DriveOptions = Pick<ExecuteOptions, 'aws' | 'observe' | 'config'> & {
  avoidRegions?: string[]
  target?: string
  /** The run keeps its lock and journal on this machine (it was started with --local-state). */
  localState?: boolean
}

/**
 * The shared life of a mutating command (design.md §5): plan → gates (exit 3) → print → --dry-run stops →
 * confirm (exit 4) → journaled run → report. Ctrl-C stops after the call in flight and exits 130, resumable.
 */
export abstract class RunbookCommand<T extends typeof Command> extends MutatingCommand<T> {
  static override baseFlags = {
    ...MutatingCommand.baseFlags,
    'local-state': Flags.boolean({
      summary: "Keep the run's lock and journal on this machine only, even though drctl.yaml names a team state table.",
      description:
        'For when the state table cannot be reached: the run is recorded as run with --local-state, and colleagues ' +
        'do not see it, nor does its lock stop their runs.',
      helpGroup: 'GLOBAL',
    }),
  }

  /** `YYYYMMDDhhmm` (UTC): the suffix that makes the names of what a run creates unique and sortable. */
  protected nameStamp(): string {
    return new Date().toISOString().replace(/[-:T]/g, '').slice(0, 12)
  }

  /** The observation a plan is made from: its progress shown, its warnings noted. */
  protected async observeForPlan(
    config: DrctlConfig,
    aws: AwsSession,
    options: ObserveOptions = {},
  ): Promise<Topology> {
    const topology = await observe(config, aws, {...options, emit: this.progress().listener})
    for (const warning of topology.warnings) this.note(warning)
    return topology
  }

  /** The lag gate: --max-lag when given (up to its ceiling), else gates.maxReplicationLagMs of drctl.yaml. */
  protected maxLagMs(config: DrctlConfig, maxLag: string | undefined): number {
    return maxLag === undefined
      ? config.gates.maxReplicationLagMs
      : durationFlag('--max-lag', maxLag, '30s', {max: LIMITS.maxReplicationLagMs})
  }

  /** Clusters drctl detached in unplanned failovers (from the journals here), shown next to their global clusters. */
  protected survivors(config: DrctlConfig): KnownSurvivor[] {
    return detachedSurvivors(this.home(), this.topologyKey(config))
  }

  /**
   * Fails fast, before any observation, when the topology has an unfinished run. With a team state table, this home's
   * copies of the team's runs may be behind: the check is made when the run starts, after pulling them, under the lock.
   */
  protected refuseIfUnfinished(config: DrctlConfig): void {
    if (teamState(config) && !this.flags['local-state']) return
    assertNoUnfinishedRun(this.home(), this.topologyKey(config))
  }

  protected async execute(plan: RunPlan, options: ExecuteOptions): Promise<object> {
    const human = !this.jsonEnabled()
    this.progress().pause()
    if (human) this.out(renderPlan(plan, this.style))
    const failed = plan.gates.filter((gate) => gate.status === 'fail')
    if (failed.length > 0) {
      throw new DrctlError(
        'DRCTL_GATE_FAILED',
        `${failed.length} gate(s) failed; nothing was changed: ${failed[0]?.message}`,
        {
          result: planResult(plan),
          hints: ['fix the failing gates, or relax one with the flag its message names'],
        },
      )
    }
    if (plan.items.length === 0) {
      this.out(`${this.style.green(symbols.ok)} nothing to do: the topology is already in the requested state`)
      return {nothingToDo: true, kind: plan.kind, title: plan.title, gates: plan.gates}
    }
    if (this.flags['dry-run']) {
      this.out(this.style.dim('\ndry run: nothing was changed'))
      return planResult(plan)
    }
    const prompter = this.prompter(this.flags.yes)
    if (human) this.out('')
    if (plan.confirmation.kind === 'typed') {
      await prompter.typed(plan.confirmation.message, plan.confirmation.expected, {
        yesSuffices: options.yesSatisfiesTyped ?? plan.confirmation.yesSuffices,
        yesFlagHint: plan.confirmation.yesFlagHint,
      })
    } else if (!(await prompter.confirm(plan.confirmation.message))) {
      throw new DrctlError('DRCTL_CONFIRMATION_DECLINED', 'not confirmed; nothing was changed')
    }
    const identity: RunIdentity = {
      topology: options.config.name,
      topologyKey: this.topologyKey(options.config),
      configPath: options.configPath,
      sandbox: this.flags.sandbox,
      flags: {
        ...options.flags,
        yes: this.flags.yes,
        sandbox: this.flags.sandbox,
        ...(this.flags['local-state'] ? {'local-state': true} : {}),
      },
      caller: options.before?.identity,
      before: options.before,
    }
    const drive = {
      ...options,
      avoidRegions: plan.excludedRegions,
      target: typeof plan.params.target === 'string' ? plan.params.target : undefined,
      owner: options.before?.identity?.arn,
    }
    const result = await this.keepingReport(drive, () =>
      this.withInterrupts((context) => startRun(plan, identity, context), drive),
    )
    this.out(renderRunResult(result, this.style))
    return result
  }

  protected async resume(runId: string, plan: RunPlan, options: DriveOptions): Promise<RunResult> {
    if (!this.jsonEnabled()) this.out(renderPlan(plan, this.style))
    const result = await this.keepingReport(options, () =>
      this.withInterrupts((context) => resumeRun(runId, plan, context), options),
    )
    this.out(renderRunResult(result, this.style))
    return result
  }

  /**
   * Drives a run, then stores its report in the reports bucket (`state.reports`), whether the run succeeded or
   * failed: where it is stored joins the result. A report that cannot be stored is a warning, never a failure.
   */
  private async keepingReport(
    options: DriveOptions,
    drive: () => Promise<RunResult>,
  ): Promise<RunResult & {reportUrl?: string}> {
    let result: RunResult
    try {
      result = await drive()
    } catch (error) {
      const failed = error instanceof DrctlError ? (error.result as Partial<RunResult> | undefined) : undefined
      if (failed?.runId && failed.reportPath)
        Object.assign(failed, await this.storeRunReport(options, failed as RunResult))
      throw error
    }
    return {...result, ...(await this.storeRunReport(options, result))}
  }

  private async storeRunReport(options: DriveOptions, result: RunResult): Promise<{reportUrl?: string}> {
    const {config} = options
    const reports = await reportsContext(config, () => this.awsSession(config, {readOnly: false}))
    return this.keepRunReport(reports, result, {avoid: options.avoidRegions, target: options.target})
  }

  /**
   * The team state table's lock and journal mirror, when drctl.yaml names one (and not --local-state), in the Region
   * the run may write to; the table's runs are pulled here first, so that a colleague's unfinished run is seen.
   */
  private async teamStores(options: DriveOptions & {owner?: string}): Promise<Pick<EngineContext, 'locks' | 'mirror'>> {
    const state = teamState(options.config)
    if (!state || this.flags['local-state'] || options.localState) return {}
    // A session of their own: the run journals its own AWS calls, not those that copy its journal.
    const aws = await this.awsSession(options.config, {readOnly: false})
    const stores = await teamStores(state, aws, {
      home: this.home(),
      region: stateRegion(state, options.avoidRegions, options.target),
      clock: systemClock,
      owner: options.owner,
    })
    await stores.mirror.pullAll()
    return {locks: stores.locks, mirror: stores.mirror}
  }

  /**
   * Brings run `runId` from the team state table named by drctl.yaml (--config, $DRCTL_CONFIG or ./drctl.yaml) into
   * this home, so that a run started on another machine can be resumed here; the lock store of the Region its lock
   * is written to, if the run has one in the table.
   */
  protected async pullTeamRun(runId: string): Promise<LockStore | undefined> {
    if (this.flags['local-state']) return undefined
    return (await teamStoresForRun(await this.teamContext(), runId))?.locks
  }

  private async withInterrupts<R>(
    drive: (context: EngineContext) => Promise<R>,
    options: DriveOptions & {owner?: string},
  ): Promise<R> {
    const team = await this.teamStores(options)
    const controller = new AbortController()
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130)
      controller.abort()
      this.progress().pause()
      process.stderr.write(`\n${symbols.warn} stopping after the AWS call in flight (Ctrl-C again to force)\n`)
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    try {
      return await drive({
        home: this.home(),
        aws: options.aws,
        clock: await this.clock(),
        emit: this.progress().listener,
        signal: controller.signal,
        observe: options.observe,
        ...team,
      })
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      this.progress().stop()
    }
  }

  protected override async renderFailureResult(result: unknown): Promise<void> {
    const run = result as Partial<RunResult>
    if (run.runId && run.reportPath) this.out(renderRunResult(run as RunResult, this.style))
  }
}
