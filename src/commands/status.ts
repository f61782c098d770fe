import {Flags} from '@oclif/core'

import type {AwsPorts} from '../lib/aws/ports.js'
import type {DrctlConfig} from '../lib/config/schema.js'
import {BaseCommand, EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {durationFlag} from '../lib/cli/flags.js'
import {renderStatus, statusResult} from '../lib/cli/render-status.js'
import {countByStatus} from '../lib/checks/check.js'
import {type StatusReport, statusReport} from '../lib/checks/status.js'
import {DrctlError} from '../lib/core/errors.js'
import {detachedSurvivors} from '../lib/runbook/runs.js'

const DEFAULT_WATCH_SECONDS = 5

export default class Status extends BaseCommand<typeof Status> {
  private lastReport?: StatusReport

  static override summary = 'Show the whole DR posture in one screen: health, roles, lag, routing, readiness.'
  static override description = `Reads the live state of everything in drctl.yaml, concurrently: Aurora global clusters (writer Region, members, instances, synchronization, replication lag from CloudWatch in each secondary's own Region), cross-Region binlog replicas, DynamoDB global table replicas and replication latency, ARC routing control states (through the rotating cluster endpoints), running FIS experiments and CloudFormation stacks. Every finding is a check (ok / warn / fail); readiness says whether a planned or unplanned failover to each other Region would pass its gates.

A Region that does not answer within --timeout is reported as unreachable while everything else is still shown. Exits 0 when no check fails, 3 when one does (--strict: also on warnings).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox',
    "<%= config.bin %> <%= command.id %> --json | jq '.result.readiness'",
    '<%= config.bin %> <%= command.id %> --watch 10',
    '<%= config.bin %> <%= command.id %> --strict --timeout 3s',
  ]
  static override flags = {
    strict: Flags.boolean({summary: 'Exit 3 on warnings too, not only on failures.'}),
    verbose: Flags.boolean({char: 'v', summary: 'List every check, not only those that are not ok.'}),
    timeout: Flags.string({
      summary: 'Deadline per AWS call; a Region slower than this is reported unreachable.',
      default: '5s',
    }),
    watch: Flags.integer({
      summary: 'Refresh every SECONDS (default 5) until Ctrl-C.',
      helpValue: 'SECONDS',
      min: 1,
    }),
  }

  public override async init(): Promise<void> {
    // `--watch` may be given without a value: supply the default interval before oclif parses it.
    this.argv = this.argv.flatMap((arg, index, all) =>
      arg === '--watch' && (index === all.length - 1 || all[index + 1]?.startsWith('-'))
        ? [arg, String(DEFAULT_WATCH_SECONDS)]
        : [arg],
    )
    await super.init()
  }

  async run() {
    const timeoutMs = durationFlag('--timeout', this.flags.timeout, '5s or 1500ms', {positive: true})
    if (this.flags.watch !== undefined && this.jsonEnabled()) {
      throw new DrctlError('DRCTL_USAGE', '--watch cannot be combined with --json (it prints one document)', {
        hints: ['poll `drctl status --json` from a script instead'],
      })
    }
    const {config} = await this.loadConfig()
    const aws = await this.awsSession(config, {readOnly: true, callTimeoutMs: timeoutMs})
    if (this.flags.watch !== undefined) return this.watch(config, aws, this.flags.watch)

    const survivors = detachedSurvivors(this.home(), this.topologyKey(config))
    const report = await statusReport(config, aws, {emit: this.progress().listener, survivors})
    this.progress().stop()
    this.lastReport = report
    const result = statusResult(report)
    for (const warning of report.topology.warnings) this.warnings.push(warning)
    const counts = countByStatus(report.checks)
    const failing = counts.fail + (this.flags.strict ? counts.warn : 0)
    if (failing > 0) {
      const what = counts.fail > 0 ? `${counts.fail} check(s) failed` : `${counts.warn} warning(s) (--strict)`
      throw new DrctlError('DRCTL_CHECKS_FAILED', `${config.name} is not healthy: ${what}`, {
        result,
        hints: ['see the failing checks above; `drctl status --verbose` lists every check'],
      })
    }
    this.out(renderStatus(report, this.style, {verbose: this.flags.verbose}))
    return result
  }

  /** A failing status still shows the whole report before the error line. */
  protected override async renderFailureResult(): Promise<void> {
    if (this.lastReport) this.out(renderStatus(this.lastReport, this.style, {verbose: this.flags.verbose}))
  }

  private async watch(config: DrctlConfig, aws: AwsPorts, seconds: number) {
    const clearScreen = process.stdout.isTTY ? '\u001B[H\u001B[2J' : ''
    let stopped = false
    const stop = () => (stopped = true)
    process.once('SIGINT', stop)
    let last: ReturnType<typeof statusResult> | undefined
    while (!stopped) {
      const report = await statusReport(config, aws, {
        survivors: detachedSurvivors(this.home(), this.topologyKey(config)),
      })
      last = statusResult(report)
      this.out(`${clearScreen}${renderStatus(report, this.style, {verbose: this.flags.verbose})}`)
      this.out(this.style.dim(`\nrefreshing every ${seconds}s; Ctrl-C to stop`))
      const deadline = Date.now() + seconds * 1000
      while (!stopped && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    process.exitCode = 130
    return last
  }
}
