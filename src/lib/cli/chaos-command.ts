import type {Command} from '@oclif/core'

import type {AwsPorts} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import type {RunResult} from '../runbook/engine-context.js'
import {chaosOutcome} from '../runbooks/chaos/evidence.js'
import {resolveTemplate, templatesToChoose, type TemplateView} from '../runbooks/chaos/templates.js'
import type {OperatorConsole} from './chaos-stop.js'
import {interactiveTerminal} from './prompter.js'
import {type CommandLineFlags, nextCommands, renderChaosOutcome, renderStarted} from './render-chaos.js'
import {RunbookCommand} from './runbook-command.js'

/** A command that runs an FIS experiment: picks its template, shows how it went, and lends its terminal after. */
export abstract class ChaosRunCommand<T extends typeof Command> extends RunbookCommand<T> {
  /** The template named on the command line, else the one the operator picks from a list on a terminal. */
  protected async chaosTemplate(config: DrctlConfig, aws: AwsPorts, named: string | undefined): Promise<TemplateView> {
    if (named) return resolveTemplate(config, aws, named)
    const templates = await templatesToChoose(config, aws)
    this.progress().pause()
    const choices = templates.map(({name, id, description}) => ({name: `${name} (${id})`, value: id, description}))
    const id = await this.prompter(this.flags.yes).select('Which experiment template?', choices)
    return templates.find((template) => template.id === id) as TemplateView
  }

  /** Prints how the run went (followed: its outcome; else how to follow it), and returns its result with the outcome. */
  protected showChaosRun(result: RunResult, template: TemplateView, follow: boolean) {
    const outcome = chaosOutcome(result.evidence)
    const next = nextCommands(outcome.experiment?.id ?? 'ID', this.topologyFlags())
    this.out(
      follow ? renderChaosOutcome(outcome, this.style) : renderStarted(outcome, template.region, next, this.style),
    )
    return {...result, experiment: outcome.experiment, peaks: outcome.peaks, recovery: outcome.recovery, next}
  }

  /** What dealing with an experiment the failed run left needs of this command. */
  protected operatorConsole(): OperatorConsole {
    return {
      flags: this.topologyFlags(),
      interactive: interactiveTerminal(this.jsonEnabled()),
      prompter: this.prompter(false),
      style: this.style,
      clock: () => this.clock(),
      progress: this.progress(),
      out: (text) => this.out(text),
      note: (message) => this.note(message),
    }
  }

  /** The flags that point the commands it suggests at the same topology, and --yes. */
  private topologyFlags(): CommandLineFlags & {yes: boolean} {
    const {sandbox, config, yes} = this.flags
    return {sandbox, config, yes}
  }
}
