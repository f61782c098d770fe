import {Args, Flags} from '@oclif/core'

import {EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {ChaosRunCommand} from '../../lib/cli/chaos-command.js'
import {afterChaosFailure} from '../../lib/cli/chaos-stop.js'
import {interactiveTerminal} from '../../lib/cli/prompter.js'
import {renderTemplate} from '../../lib/cli/render-chaos.js'
import type {RunResult} from '../../lib/runbook/engine-context.js'
import {newClientToken, planChaosRun} from '../../lib/runbooks/chaos/plan.js'
import {fisSettings, readStopAlarms} from '../../lib/runbooks/chaos/templates.js'
import {observe} from '../../lib/topology/observe.js'

export default class ChaosStart extends ChaosRunCommand<typeof ChaosStart> {
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
    const template = await this.chaosTemplate(config, aws, this.args.template)
    const topology = await this.observeForPlan(config, aws)
    const follow = this.flags.wait ?? interactiveTerminal(this.jsonEnabled())
    const {'no-stop-condition-ok': noStopConditionOk, 'force-gates': forceGates} = this.flags
    const stopAlarms = await readStopAlarms(aws, template)
    const request = {follow, noStopConditionOk, forceGates, stopAlarms, clientToken: newClientToken()}
    const plan = planChaosRun(config, topology, template, request)
    this.progress().pause()
    this.out(`${renderTemplate(template, this.style)}\n`)
    const result = await this.execute(plan, {
      config,
      configPath,
      aws,
      before: topology,
      observe: () => observe(config, aws),
      flags: {
        template: template.id,
        wait: follow,
        'no-stop-condition-ok': noStopConditionOk,
        'force-gates': forceGates,
      },
    }).catch(async (error: unknown) => Promise.reject(await afterChaosFailure(aws, error, this.operatorConsole())))
    if ('dryRun' in result) return {...result, template}
    return this.showChaosRun(result as RunResult, template, follow)
  }
}
