import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../lib/cli/base-command.js'
import {durationFlag} from '../lib/cli/flags.js'
import {renderChecksVerdict, renderStatus, statusResult} from '../lib/cli/render-status.js'
import {refuseWatchWithJson, watchOnTerminal, withWatchInterval} from '../lib/cli/status-watch.js'
import {type Style, symbols} from '../lib/cli/style.js'
import {LIMITS} from '../lib/config/limits.js'
import {formatDuration} from '../lib/core/clock.js'
import {DrctlError} from '../lib/core/errors.js'
import {failingChecks, type StatusReport, statusReport} from '../lib/runbooks/status.js'

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
      summary: `Deadline per AWS call (at most ${formatDuration(LIMITS.callTimeoutMs)}); a Region slower than this is reported unreachable.`,
      default: '5s',
    }),
    watch: Flags.integer({
      summary: `Refresh every SECONDS (default 5, at most ${LIMITS.watchSeconds}) until Ctrl-C.`,
      helpValue: 'SECONDS',
      min: 1,
      max: LIMITS.watchSeconds,
    }),
  }

  public override async init(): Promise<void> {
    this.argv = withWatchInterval(this.argv)
    await super.init()
  }

  async run() {
    const timeoutMs = durationFlag('--timeout', this.flags.timeout, '5s or 1500ms', {
      positive: true,
      max: LIMITS.callTimeoutMs,
    })
    const {watch, verbose, strict} = this.flags
    refuseWatchWithJson(watch, this.jsonEnabled())
    const {config} = await this.loadConfig()
    const aws = await this.awsSession(config, {readOnly: true, callTimeoutMs: timeoutMs})
    const runs = {home: this.home(), topologyKey: this.topologyKey(config)}
    if (watch !== undefined) {
      return watchOnTerminal(config, aws, {
        runs,
        seconds: watch,
        verbose,
        style: this.style,
        out: (text) => this.out(text),
      })
    }

    const report = await statusReport(config, aws, {emit: this.progress().listener, runs})
    this.progress().stop()
    this.lastReport = report
    const result = statusResult(report)
    this.warnings.push(...report.topology.warnings)
    if (failingChecks(report, {strict}).length > 0) {
      throw new DrctlError('DRCTL_CHECKS_FAILED', renderChecksVerdict(report), {
        result,
        hints: ['see the failing checks above; `drctl status --verbose` lists every check'],
      })
    }
    this.out(renderStatus(report, this.style, {verbose}))
    return result
  }

  /** A failing status still shows the whole report before its verdict. */
  protected override async renderFailureResult(): Promise<void> {
    if (this.lastReport) this.out(renderStatus(this.lastReport, this.style, {verbose: this.flags.verbose}))
  }

  /** Failing checks are a finding about the topology, not an error of drctl's: no "Error:" label. */
  protected override failureHeadline(failure: DrctlError, style: Style): string {
    if (failure.code !== 'DRCTL_CHECKS_FAILED') return super.failureHeadline(failure, style)
    return `${style.red(symbols.fail)} ${failure.message}`
  }
}
