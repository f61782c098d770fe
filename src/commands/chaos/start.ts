import {Args, Flags} from '@oclif/core'

import type {AwsPorts} from '../../lib/aws/ports.js'
import {EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {stopAndFollow} from '../../lib/cli/chaos-stop.js'
import {interactiveTerminal} from '../../lib/cli/prompter.js'
import {drctlCommand, renderChaosOutcome, renderTemplate} from '../../lib/cli/render-chaos.js'
import {RunbookCommand} from '../../lib/cli/runbook-command.js'
import {symbols} from '../../lib/cli/style.js'
import type {DrctlConfig} from '../../lib/config/schema.js'
import {DrctlError, isDrctlError} from '../../lib/core/errors.js'
import type {RunResult} from '../../lib/runbook/engine.js'
import {isActive} from '../../lib/runbooks/chaos/experiments.js'
import {
  fisSettings,
  listTemplates,
  readStopAlarms,
  resolveTemplate,
  type TemplateView,
} from '../../lib/runbooks/chaos/templates.js'
import {
  chaosOutcome,
  experimentLeftBy,
  type ExperimentRecord,
  newClientToken,
  planChaosRun,
} from '../../lib/runbooks/chaos.js'
import {observe} from '../../lib/topology/observe.js'

export default class ChaosStart extends RunbookCommand<typeof ChaosStart> {
  static override summary = 'Start an FIS experiment against the topology, with guardrails, and follow it.'
  static override description = `Only templates in drctl.yaml's fis.region that carry every fis.templateTags tag can be started, named by id or by their Name tag; without TEMPLATE, a terminal offers a list. Before anything starts, the template is shown in full (actions and durations, targets, stop conditions, role) and the gates run: a template without a stop condition is refused (--no-stop-condition-ok accepts it, recorded), so is one whose stop-condition alarm does not exist in CloudWatch (the same flag accepts it) or is already in ALARM (an alarm without data is a warning), another active experiment in the topology's Regions is refused, an unfinished run is refused, and every status check must pass (--force-gates overrides, recorded). Confirm by typing the template's name, or --yes.

The experiment is started with a clientToken generated once per run and journaled, and tagged drctl:run-token and drctl:topology: a retried or resumed start finds it instead of launching a second one. With --wait (the default on a terminal) drctl follows it, showing each action's state and the replication lag and routing states, until FIS ends it and lag is back under gates.maxReplicationLagMs; the report in the run folder has the timeline of states and signals. Ctrl-C asks whether to stop the experiment (--yes, or no terminal: it is stopped); it is never left running without saying so.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> cross-region-connectivity --dry-run',
    '<%= config.bin %> <%= command.id %> EXT1a2b3c4d5e6f7 --wait --yes',
    '<%= config.bin %> <%= command.id %> pause-carts-replication --no-stop-condition-ok --no-wait --yes --json',
    '<%= config.bin %> <%= command.id %> --sandbox cross-region-connectivity --yes',
  ]
  static override args = {
    template: Args.string({description: 'Template id or Name tag (omit to pick one on a terminal).'}),
  }
  static override flags = {
    wait: Flags.boolean({
      allowNo: true,
      summary: 'Follow the experiment until it ends (default on a terminal); --no-wait only starts it.',
    }),
    'no-stop-condition-ok': Flags.boolean({
      summary: 'Accept a template without a stop condition (recorded in the report).',
    }),
    'force-gates': Flags.boolean({summary: 'Start although status checks fail (recorded in the report).'}),
  }

  async run() {
    const {path: configPath, config} = await this.loadConfig()
    fisSettings(config)
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const template = this.args.template
      ? await resolveTemplate(config, aws, this.args.template)
      : await this.pickTemplate(config, aws)
    const topology = await this.observeForPlan(config, aws)
    const follow = this.flags.wait ?? interactiveTerminal(this.jsonEnabled())
    const plan = planChaosRun(config, topology, template, {
      follow,
      noStopConditionOk: this.flags['no-stop-condition-ok'],
      forceGates: this.flags['force-gates'],
      stopAlarms: await readStopAlarms(aws, template),
      clientToken: newClientToken(),
    })
    this.progress().pause()
    this.out(`${renderTemplate(template, this.style)}\n`)
    let result: object
    try {
      result = await this.execute(plan, {
        config,
        configPath,
        aws,
        before: topology,
        observe: () => observe(config, aws),
        flags: {
          template: template.id,
          wait: follow,
          'no-stop-condition-ok': this.flags['no-stop-condition-ok'],
          'force-gates': this.flags['force-gates'],
        },
      })
    } catch (error) {
      throw await this.afterFailure(error, aws)
    }
    if ('dryRun' in result) return {...result, template}
    const run = result as RunResult
    const outcome = chaosOutcome(run.evidence)
    const id = outcome.experiment?.id ?? 'ID'
    const next = {
      status: drctlCommand(`chaos status ${id}`, this.flags),
      stop: drctlCommand(`chaos stop ${id}`, this.flags),
    }
    if (follow) {
      this.out(renderChaosOutcome(outcome, this.style))
    } else {
      this.out(
        [
          `${this.style.green(symbols.ok)} experiment ${id} ${outcome.experiment?.status ?? 'started'} in ${template.region}; it keeps running after drctl exits`,
          `  follow: ${next.status}`,
          `  stop:   ${next.stop}`,
        ].join('\n'),
      )
    }
    return {...run, experiment: outcome.experiment, peaks: outcome.peaks, recovery: outcome.recovery, next}
  }

  private async pickTemplate(config: DrctlConfig, aws: AwsPorts): Promise<TemplateView> {
    const listing = await listTemplates(config, aws)
    if (listing.templates.length === 0) {
      throw new DrctlError('DRCTL_USAGE', `no experiment template in ${listing.region} carries this topology's tags`, {
        hints: ['drctl chaos list shows what is there and which tags drctl.yaml asks for'],
      })
    }
    this.progress().pause()
    const id = await this.prompter(this.flags.yes).select(
      'Which experiment template?',
      listing.templates.map((template) => ({
        name: `${template.name} (${template.id})`,
        value: template.id,
        description: template.description,
      })),
    )
    return listing.templates.find((template) => template.id === id) as TemplateView
  }

  /** A run that stopped while its experiment may still run: deal with the experiment, and say what happened. */
  private async afterFailure(error: unknown, aws: AwsPorts): Promise<unknown> {
    if (!isDrctlError(error)) return error
    const left = await experimentLeftBy(aws, error)
    if (!left) return error
    const {experiment, current, runId} = left
    const stopCommand = drctlCommand(`chaos stop ${experiment.id}`, this.flags)
    const rethrow = (message: string, hints: string[] = []) =>
      new DrctlError(error.code, message, {
        exit: error.exit,
        hints: [...hints, ...error.hints],
        result: error.result,
        details: {experiment: {id: experiment.id, region: experiment.region, status: current?.status ?? 'unknown'}},
        cause: error,
      })
    // The run stays interrupted (resumable); resuming it records how the experiment ended and closes it.
    const closeRun = runId
      ? [`record the end and close the run: ${drctlCommand(`runs resume ${runId} --yes`, this.flags)}`]
      : []
    if (!current || !isActive(current.status)) {
      if (error.code !== 'DRCTL_INTERRUPTED') return error
      return rethrow(
        `interrupted; FIS experiment ${experiment.id} had already ended (${current?.status ?? 'not found'})`,
        closeRun,
      )
    }
    if (error.code !== 'DRCTL_INTERRUPTED') {
      this.note(`FIS experiment ${experiment.id} is STILL ${current.status.toUpperCase()} in ${experiment.region}`)
      return rethrow(error.message, [`it keeps running until it ends; to end it now: ${stopCommand}`])
    }
    if (!(await this.shouldStop(experiment.id))) {
      this.note(
        `FIS experiment ${experiment.id} is STILL ${current.status.toUpperCase()} in ${experiment.region}: stop it with ${stopCommand}`,
      )
      return rethrow(`interrupted; FIS experiment ${experiment.id} is still ${current.status} (not stopped)`, [
        `stop it: ${stopCommand}`,
      ])
    }
    const final = await this.stop(aws, experiment, stopCommand)
    if (final === 'not-stopped') {
      return rethrow(`interrupted; FIS experiment ${experiment.id} could not be stopped and may still be running`, [
        `stop it: ${stopCommand}`,
      ])
    }
    if (final === 'stopping') {
      return rethrow(`interrupted; FIS experiment ${experiment.id} is stopping (StopExperiment sent)`, [
        `check: ${drctlCommand(`chaos status ${experiment.id}`, this.flags)}`,
      ])
    }
    return rethrow(
      `interrupted; FIS experiment ${experiment.id} ${final === 'stopped' ? 'was stopped' : `ended (${final})`}`,
      closeRun,
    )
  }

  /** --yes stops it; a terminal asks (stopping is the default); without a terminal it is stopped, never left. */
  private async shouldStop(id: string): Promise<boolean> {
    if (this.flags.yes) return true
    if (!interactiveTerminal(this.jsonEnabled())) {
      this.out(`no terminal to ask on: stopping FIS experiment ${id} rather than leaving it running`)
      return true
    }
    try {
      const answer = await this.prompter(false).select(`Stop FIS experiment ${id} now?`, [
        {name: 'Yes, stop it now', value: 'stop'},
        {name: 'No, leave it running', value: 'leave'},
      ])
      return answer === 'stop'
    } catch (error) {
      if (isDrctlError(error) && error.code === 'DRCTL_INTERRUPTED') return false
      throw error
    }
  }

  /**
   * StopExperiment and wait for `stopped`; a further Ctrl-C stops only the waiting. Returns the end status,
   * `stopping` when the wait was cut short, or `not-stopped` when the stop itself failed (said loudly).
   */
  private async stop(aws: AwsPorts, experiment: ExperimentRecord, stopCommand: string): Promise<string> {
    try {
      const final = await stopAndFollow(aws, experiment, {
        clock: await this.clock(),
        progress: this.progress(),
        flags: this.flags,
      })
      this.out(`${this.style.green(symbols.ok)} FIS experiment ${experiment.id} ${final.status}`)
      return final.status
    } catch (error) {
      if (isDrctlError(error) && error.code === 'DRCTL_INTERRUPTED') {
        this.note(`StopExperiment was sent for ${experiment.id}; stopped waiting for it to reach stopped`)
        return 'stopping'
      }
      this.note(
        `could not stop FIS experiment ${experiment.id}: ${error instanceof Error ? error.message : String(error)}; it may STILL BE RUNNING: ${stopCommand}`,
      )
      return 'not-stopped'
    }
  }
}
