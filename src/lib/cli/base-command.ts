import {dirname} from 'node:path'

import {Command, Flags, type Interfaces} from '@oclif/core'

import type {AwsCallObserver} from '../aws/invoke.js'
import type {AwsSession} from '../aws/session.js'
import {loadConfig, type LoadedConfig, resolveConfigPath} from '../config/load.js'
import {type DrctlConfig, teamState} from '../config/schema.js'
import {type Clock, scaledClock, systemClock} from '../core/clock.js'
import type {DrctlError} from '../core/errors.js'
import {drctlHome, sandboxHome} from '../core/paths.js'
import type {InProcessSandbox} from '../sandbox/index.js'
import {type Envelope, errorEnvelope, errorHeadline, errorText, toDrctlError, usageError} from './error-output.js'
import {refusingBlankValues} from './flags.js'
import {createProgressRenderer, progressMode, type ProgressRenderer, type SpinnerFactory} from './progress.js'
import {createPrompter, interactiveTerminal, type Prompter} from './prompter.js'
import {colorEnabled, createStyle, type Style, symbols} from './style.js'
import {keepReport, type ReportsContext, reportsContext} from './team-reports.js'
import type {TeamContext} from './team-runs.js'

export type CommandFlags<T extends typeof Command> = Interfaces.InferredFlags<T['baseFlags'] & T['flags']>
export type CommandArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Appended to every command's description: the exit-code table of design.md §3 (lines short enough not to wrap). */
export const EXIT_CODES_HELP = [
  'EXIT CODES',
  '  0    success; all checks pass',
  '  1    internal error (a bug): re-run with DRCTL_DEBUG=1 and report it',
  '  2    usage or configuration error; nothing was changed',
  '  3    a check or gate failed; nothing was changed',
  '  4    confirmation required or declined; nothing was changed',
  '  5    AWS refused a call (access denied, not found, invalid state)',
  '  6    stopped part-way, resumable (drctl runs resume ID); or another run holds the lock',
  '  7    timed out waiting for AWS; resumable',
  '  130  interrupted (Ctrl-C); resumable',
].join('\n')

/** In the description of every `drctl sandbox` command: which world it acts on (core/paths.ts, sandboxHome). */
export const SANDBOX_HOME_HELP =
  'The sandbox world is the one under $DRCTL_SANDBOX_HOME/sandbox/ when that is set (homes that name one sandbox ' +
  'home share its world), else under $DRCTL_HOME/sandbox/.'

/**
 * The CLI contract of design.md §3 in one place: global flags, the JSON envelope, exit codes in both modes,
 * one-line errors with hints, and the resources (config, AWS session, sandbox, prompter, progress) commands use.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    config: Flags.string({
      char: 'c',
      summary: 'Path to drctl.yaml (default: $DRCTL_CONFIG, else ./drctl.yaml).',
      helpGroup: 'GLOBAL',
    }),
    profile: Flags.string({summary: 'AWS profile to use (overrides profile: in drctl.yaml).', helpGroup: 'GLOBAL'}),
    sandbox: Flags.boolean({
      summary: 'Run against the local AWS simulator instead of AWS.',
      env: 'DRCTL_SANDBOX',
      helpGroup: 'GLOBAL',
    }),
  }

  protected flags!: CommandFlags<T>
  protected args!: CommandArgs<T>
  protected readonly warnings: string[] = []
  protected style!: Style
  private sandbox?: InProcessSandbox
  private optionalConfig?: Promise<LoadedConfig | undefined>
  private renderer?: ProgressRenderer
  private spinnerFactory?: SpinnerFactory

  public override async init(): Promise<void> {
    await super.init()
    this.style = createStyle(colorEnabled(process.stdout))
    const {args, flags} = await this.parse(refusingBlankValues(this.ctor)).catch((error: unknown) => {
      throw usageError(error)
    })
    this.flags = flags as CommandFlags<T>
    this.args = args as CommandArgs<T>
    if (progressMode(this.jsonEnabled()) === 'spinner') this.spinnerFactory = (await import('ora')).default
  }

  /** Human output on stdout; suppressed with --json (the envelope is the only stdout then). */
  protected out(text = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(`${text}\n`)
  }

  /** Human output beside a document that has stdout to itself (`--print`): stderr; suppressed with --json. */
  protected outBeside(text = ''): void {
    if (!this.jsonEnabled()) process.stderr.write(`${text}\n`)
  }

  /** Collected into the envelope with --json, printed on stderr otherwise. */
  protected note(message: string): void {
    this.warnings.push(message)
    if (!this.jsonEnabled()) {
      this.progress().pause()
      process.stderr.write(`${createStyle(colorEnabled(process.stderr)).yellow(`${symbols.warn} ${message}`)}\n`)
    }
  }

  protected progress(): ProgressRenderer {
    this.renderer ??= createProgressRenderer(
      progressMode(this.jsonEnabled()),
      process.stderr,
      createStyle(colorEnabled(process.stderr)),
      this.spinnerFactory,
    )
    return this.renderer
  }

  protected prompter(yes: boolean, yesHint?: string): Prompter {
    return createPrompter({yes, interactive: interactiveTerminal(this.jsonEnabled()), yesHint})
  }

  protected home(): string {
    return drctlHome()
  }

  /** Where the sandbox world is: $DRCTL_SANDBOX_HOME, else this home. */
  protected sandboxHome(): string {
    return sandboxHome()
  }

  /** Runs, locks and detached survivors are kept per topology, the sandbox's apart from AWS's. */
  protected topologyKey(config: DrctlConfig): string {
    return `${this.flags.sandbox ? 'sandbox:' : ''}${config.name}`
  }

  protected async sandboxRuntime(): Promise<InProcessSandbox | undefined> {
    if (!this.flags.sandbox) return undefined
    // Loaded on demand, like the AWS SDK: commands that need neither start fast.
    const {startInProcessSandbox} = await import('../sandbox/index.js')
    this.sandbox ??= await startInProcessSandbox({home: this.sandboxHome()})
    return this.sandbox
  }

  /**
   * Loads drctl.yaml, noting its warnings; with --sandbox and no --config/$DRCTL_CONFIG, the sandbox scenario's own
   * file.
   */
  protected async loadConfig(): Promise<LoadedConfig> {
    const sandbox = await this.sandboxRuntime()
    const explicit = this.flags.config ?? process.env.DRCTL_CONFIG
    const loaded = await loadConfig(sandbox && !explicit ? sandbox.configPath : resolveConfigPath(this.flags.config))
    for (const warning of loaded.warnings) this.note(warning)
    return loaded
  }

  /**
   * The team state table drctl.yaml names (--config, $DRCTL_CONFIG or ./drctl.yaml), with an AWS session to reach
   * it; undefined when it names none, or there is no readable drctl.yaml (runs are then this machine's only).
   */
  protected async teamContext(): Promise<TeamContext | undefined> {
    const loaded = await this.readableConfig()
    const state = loaded && teamState(loaded.config)
    if (!loaded || !state) return undefined
    const aws = await this.awsSession(loaded.config, {readOnly: false})
    return {state, config: loaded.config, aws, home: this.home()}
  }

  /** The reports bucket drctl.yaml names (`state.reports`), with an AWS session to reach it; undefined when none. */
  protected async teamReports(): Promise<ReportsContext | undefined> {
    const loaded = await this.readableConfig()
    return loaded && reportsContext(loaded.config, () => this.awsSession(loaded.config, {readOnly: false}))
  }

  /**
   * Stores the report of a run that ended in the reports bucket, when there is one (`reports`): its address joins the
   * command's result. A bucket that cannot be reached is a warning, never a failure. An unplanned failover's run
   * (`where`) asks its target first and sends nothing to an avoided Region.
   */
  protected async keepRunReport(
    reports: ReportsContext | undefined,
    run: {runId: string; reportPath: string},
    where: {avoid?: string[]; target?: string} = {},
  ): Promise<{reportUrl?: string}> {
    if (!reports) return {}
    const kept = await keepReport(
      reports,
      {runId: run.runId, dir: dirname(run.reportPath), reportPath: run.reportPath},
      where,
    )
    if ('warning' in kept) {
      this.note(kept.warning)
      return {}
    }
    return {reportUrl: kept.url}
  }

  /** drctl.yaml, loaded once, for commands that also work without one (those that read runs). */
  private readableConfig(): Promise<LoadedConfig | undefined> {
    this.optionalConfig ??= this.loadConfig().catch(() => undefined)
    return this.optionalConfig
  }

  /** The clock waits run on: real time, or the sandbox's scaled time. */
  protected async clock(): Promise<Clock> {
    const sandbox = await this.sandboxRuntime()
    return sandbox ? scaledClock(systemClock, sandbox.timeScale) : systemClock
  }

  /** An AWS session for this topology: profile checked first, sandbox endpoints when rehearsing. */
  protected async awsSession(
    config: DrctlConfig,
    options: {readOnly: boolean; observers?: AwsCallObserver[]; callTimeoutMs?: number},
  ): Promise<AwsSession> {
    const sandbox = await this.sandboxRuntime()
    const [{AwsSession}, {assertProfilesExist, credentialSource, staticCredentialSource}] = await Promise.all([
      import('../aws/session.js'),
      import('../aws/credentials.js'),
    ])
    const common = {
      userAgent: `drctl/${this.config.version}`,
      connectTimeoutMs: config.aws.connectTimeoutMs,
      callTimeoutMs: options.callTimeoutMs ?? config.aws.callTimeoutMs,
      arcEndpointTimeoutMs: config.aws.arcEndpointTimeoutMs,
      maxAttempts: config.aws.maxAttempts,
      readOnly: options.readOnly,
      observers: options.observers,
      clock: await this.clock(),
    }
    if (sandbox) {
      const {SANDBOX_CREDENTIALS} = await import('../sandbox/index.js')
      return new AwsSession({
        ...common,
        credentials: staticCredentialSource(SANDBOX_CREDENTIALS.accessKeyId, SANDBOX_CREDENTIALS.secretAccessKey),
        endpointFor: () => sandbox.endpoint,
        arcEndpointUrl: (url) => sandbox.arcEndpointUrl(url),
      })
    }
    const credentials = credentialSource({flag: this.flags.profile, config: config.profile})
    await assertProfilesExist(credentials.profiles())
    return new AwsSession({
      ...common,
      credentials,
      endpointFor: (service) => config.aws.endpoints[service],
    })
  }

  protected override toSuccessJson(result: unknown): Envelope {
    return {status: 'ok', result, warnings: this.warnings}
  }

  protected override toErrorJson(error: unknown): Envelope {
    return errorEnvelope(toDrctlError(error), this.warnings)
  }

  protected override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    const failure = toDrctlError(error)
    this.renderer?.stop()
    process.exitCode = failure.exit
    if (this.jsonEnabled()) {
      this.logJson(this.toErrorJson(error))
      return
    }
    if (failure.result !== undefined) await this.renderFailureResult(failure.result)
    const style = createStyle(colorEnabled(process.stderr))
    process.stderr.write(errorText(failure, style, this.failureHeadline(failure, style)))
  }

  /** Commands whose failures carry a full result (status with failing checks) render it before the error line. */
  protected async renderFailureResult(_result: unknown): Promise<void> {}

  /** The first line of a failure on stderr. */
  protected failureHeadline(failure: DrctlError, style: Style): string {
    return errorHeadline(failure, style)
  }

  protected override async finally(error: Error | undefined): Promise<void> {
    this.renderer?.stop()
    await this.sandbox?.close()
    return super.finally(error)
  }
}

/** Base for commands that change AWS: adds --yes and --dry-run (design.md §3). */
export abstract class MutatingCommand<T extends typeof Command> extends BaseCommand<T> {
  static override baseFlags = {
    ...BaseCommand.baseFlags,
    yes: Flags.boolean({
      char: 'y',
      summary: 'Confirm without prompting (required when there is no terminal).',
      helpGroup: 'GLOBAL',
    }),
    'dry-run': Flags.boolean({
      summary: 'Print the plan and stop; makes no mutating AWS call.',
      helpGroup: 'GLOBAL',
    }),
  }
}
