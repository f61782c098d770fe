import {CONTROL_PLANE_REGIONS} from '../../aws/control-planes.js'
import type {RecordSet} from '../../aws/ports.js'
import {bareId, dnsName} from '../../aws/route53.js'
import type {StepOfKind} from '../../config/steps.js'
import {DrctlError} from '../../core/errors.js'
import {waitFor} from '../../runbook/wait.js'
import type {PlannedCall, Step, StepCheck, StepContext} from '../../runbook/types.js'
import {type CallDeclaration, declared, planned} from '../../aws/iam-calls.js'
import {retryWhileBusy} from './busy.js'
import type {StepMove} from './move.js'
import {STEP_READS} from '../../topology/readers/app-steps.js'

const REGION = CONTROL_PLANE_REGIONS.route53
const CHANGE = declared('Route 53', 'ChangeResourceRecordSets', 'hosted-zones')
/** Route 53 says a change reaches every name server within 60 s; ten times that is worth stopping for. */
const DEFAULT_INSYNC_TIMEOUT_MS = 10 * 60_000

type RegionEntry = StepOfKind<'route53-record'>['regions'][string]

/** What one Region's entry points the record at, in words. */
function targetOf(entry: RegionEntry): string {
  return entry.alias ? `alias ${entry.alias.dnsName}` : (entry.value ?? '(its current value)')
}

/** Whether a record set already answers what `wanted` would: same weight, same values or alias target. */
function answersAs(current: RecordSet | undefined, wanted: RecordSet): boolean {
  if (!current) return false
  if (wanted.weight !== undefined && current.weight !== wanted.weight) return false
  if (wanted.alias) {
    return (
      current.alias !== undefined &&
      dnsName(current.alias.dnsName) === dnsName(wanted.alias.dnsName) &&
      bareId(current.alias.hostedZoneId) === bareId(wanted.alias.hostedZoneId) &&
      current.alias.evaluateTargetHealth === wanted.alias.evaluateTargetHealth
    )
  }
  const values = (record: RecordSet) => record.values.map(dnsName).sort().join(' ')
  return current.alias === undefined && values(current) === values(wanted)
}

/**
 * Points a DNS record at the Region writes move to: a simple record gets that Region's value (or alias); weighted
 * records get weight 100 for that Region's record and 0 for every other, in one change batch. Route 53's control plane
 * is in us-east-1 whatever the Regions of the topology; the change is waited for until INSYNC.
 */
export class Route53RecordStep implements Step {
  static readonly calls: CallDeclaration = {
    reads: [...STEP_READS['route53-record'], declared('Route 53', 'GetChange', 'route53-changes')],
    writes: [CHANGE],
  }
  readonly id: string
  readonly title: string

  constructor(
    private readonly step: StepOfKind<'route53-record'>,
    private readonly move: StepMove,
  ) {
    this.id = `step.${step.id}`
    this.title =
      step.routing === 'weighted'
        ? `Route 53 ${step.name} ${step.type}: weight 100 on ${move.to}, 0 on the others`
        : `Route 53 ${step.name} ${step.type} → ${targetOf(this.entry(move.to))}`
  }

  /** Journaled so a resumed run waits for the change it made. */
  private get changeKey(): string {
    return `route53Change.${this.step.id}`
  }

  private entry(region: string): RegionEntry {
    const entry = this.step.regions[region]
    if (!entry) throw new DrctlError('DRCTL_CONFIG_INVALID', `step ${this.step.id} has no entry for ${region}`)
    return entry
  }

  describe(): PlannedCall[] {
    const {name, type, hostedZoneId} = this.step
    const detail =
      this.step.routing === 'weighted'
        ? `UPSERT ${name} ${type} weights ${Object.entries(this.step.regions)
            .map(([region, entry]) => `${entry.setIdentifier} (${region}) ${region === this.move.to ? 100 : 0}`)
            .join(', ')} in one batch, zone ${bareId(hostedZoneId)}`
        : `UPSERT ${name} ${type} → ${targetOf(this.entry(this.move.to))}, zone ${bareId(hostedZoneId)}`
    return [planned(CHANGE, REGION, detail)]
  }

  private async read(ctx: StepContext): Promise<RecordSet[]> {
    const records = await ctx.aws.route53().listRecordSets(this.step.hostedZoneId, this.step.name, this.step.type)
    if (!records) {
      throw new DrctlError(
        'DRCTL_AWS_NOT_FOUND',
        `step ${this.step.id}: Route 53 hosted zone ${bareId(this.step.hostedZoneId)} does not exist`,
      )
    }
    return records
  }

  /** The record sets as this move leaves them; what drctl.yaml does not say (TTL, health check) is kept. */
  private wanted(current: RecordSet[]): RecordSet[] {
    const {name, type} = this.step
    if (this.step.routing === 'simple') {
      const entry = this.entry(this.move.to)
      const existing = current.find((record) => record.setIdentifier === undefined)
      return [
        {
          name,
          type,
          ...(entry.alias ? {values: [], alias: entry.alias} : {ttl: this.step.ttl, values: [entry.value ?? '']}),
          ...(existing?.healthCheckId ? {healthCheckId: existing.healthCheckId} : {}),
        },
      ]
    }
    return Object.entries(this.step.regions).map(([region, entry]) => {
      const existing = current.find((record) => record.setIdentifier === entry.setIdentifier)
      const answer = entry.alias
        ? {values: [], alias: entry.alias}
        : entry.value
          ? {ttl: existing?.ttl ?? this.step.ttl, values: [entry.value]}
          : existing && {ttl: existing.ttl, values: existing.values, alias: existing.alias}
      if (!answer) {
        throw new DrctlError(
          'DRCTL_AWS_NOT_FOUND',
          `step ${this.step.id}: ${name} ${type} has no record with set identifier ${entry.setIdentifier} (the record of ${region}), and drctl.yaml gives it no value`,
        )
      }
      return {
        name,
        type,
        setIdentifier: entry.setIdentifier,
        weight: region === this.move.to ? 100 : 0,
        ...answer,
        ...(existing?.healthCheckId ? {healthCheckId: existing.healthCheckId} : {}),
      }
    })
  }

  /** The wanted record sets that do not answer that way yet. */
  private differing(current: RecordSet[]): RecordSet[] {
    return this.wanted(current).filter(
      (wanted) =>
        !answersAs(
          current.find((record) => record.setIdentifier === wanted.setIdentifier),
          wanted,
        ),
    )
  }

  private summary(records: RecordSet[]): string {
    return records
      .map(
        (record) =>
          `${record.setIdentifier ? `${record.setIdentifier} ` : ''}${record.weight === undefined ? '' : `weight ${record.weight} `}${record.alias ? `alias ${record.alias.dnsName}` : record.values.join(',')}`,
      )
      .join('; ')
  }

  async check(ctx: StepContext): Promise<StepCheck> {
    const current = await this.read(ctx)
    const differing = this.differing(current)
    if (differing.length > 0) return {state: 'pending', note: `to set: ${this.summary(differing)}`}
    const change = ctx.recorded<string>(this.changeKey)
    if (change && (await ctx.aws.route53().getChange(change)) === 'PENDING')
      return {state: 'in-progress', note: `change ${change} is not INSYNC yet`}
    return {state: 'done', note: `${this.step.name} ${this.step.type} already ${this.summary(this.wanted(current))}`}
  }

  async run(ctx: StepContext): Promise<void> {
    const records = this.wanted(await this.read(ctx))
    const {changeId, status} = await retryWhileBusy(ctx, () =>
      ctx.aws
        .route53()
        .upsertRecordSets(
          this.step.hostedZoneId,
          records,
          `drctl ${ctx.runId}: step ${this.step.id}, move to ${this.move.to}`,
        ),
    )
    ctx.record(this.changeKey, changeId)
    ctx.progress(`change ${changeId} ${status}: ${this.summary(records)}`)
  }

  async wait(ctx: StepContext): Promise<void> {
    const change = ctx.recorded<string>(this.changeKey)
    if (!change) return
    await waitFor({
      what: `Route 53 change ${change} (${this.step.name}) to reach every name server (INSYNC)`,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: this.step.timeoutMs ?? DEFAULT_INSYNC_TIMEOUT_MS,
      poll: async () => {
        // A change Route 53 no longer knows was applied long ago.
        const status = await ctx.aws.route53().getChange(change)
        return {done: status !== 'PENDING', progress: `change ${change} ${status ?? 'applied'}`}
      },
      progress: (message) => ctx.progress(message),
    })
  }

  async verify(ctx: StepContext): Promise<void> {
    const differing = this.differing(await this.read(ctx))
    if (differing.length > 0) {
      throw new DrctlError(
        'DRCTL_VERIFY_FAILED',
        `${this.step.name} ${this.step.type} does not read back as set: expected ${this.summary(differing)}`,
      )
    }
  }
}
