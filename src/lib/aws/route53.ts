import type * as Route53Sdk from '@aws-sdk/client-route-53'

import {AwsCallError} from './errors.js'
import {allPages} from './pages.js'
import type {ChangeStatus, HostedZone, RecordSet, Route53Port} from './ports.js'
import type {Caller} from './session.js'

type Sdk = typeof Route53Sdk

/** Route 53 answers ids as `/hostedzone/Z…` and `/change/C…`; drctl.yaml may give either form. */
export function bareId(id: string): string {
  return id.replace(/^\/?(hostedzone|change)\//, '')
}

/** A DNS name as Route 53 compares it: lowercase, no trailing dot, `*` unescaped. */
export function dnsName(name: string): string {
  return name.replace(/\\052/g, '*').replace(/\.$/, '').toLowerCase()
}

/** Where a page of ListResourceRecordSets starts. */
interface RecordSetStart {
  name?: string
  type?: string
  identifier?: string
}

/**
 * Route 53 through its control plane (us-east-1). The SDK is loaded on the first call, so commands that never touch
 * Route 53 do not pay for it at start-up.
 */
export class Route53Adapter implements Route53Port {
  private loaded?: Promise<{sdk: Sdk; client: Route53Sdk.Route53Client}>

  constructor(
    private readonly createClient: (sdk: Sdk) => Route53Sdk.Route53Client,
    private readonly call: Caller,
  ) {}

  private load() {
    this.loaded ??= import('@aws-sdk/client-route-53').then((sdk) => ({sdk, client: this.createClient(sdk)}))
    return this.loaded
  }

  /** One page of a zone's record sets, from `start` on (the whole zone when `start` is empty). */
  private async recordSetPage(
    hostedZoneId: string,
    start: RecordSetStart,
  ): Promise<Route53Sdk.ListResourceRecordSetsCommandOutput> {
    const {sdk, client} = await this.load()
    return this.call('ListResourceRecordSets', false, (abortSignal) =>
      client.send(
        new sdk.ListResourceRecordSetsCommand({
          HostedZoneId: bareId(hostedZoneId),
          StartRecordName: start.name,
          StartRecordType: start.type as Route53Sdk.RRType | undefined,
          StartRecordIdentifier: start.identifier,
        }),
        {abortSignal},
      ),
    )
  }

  async listHostedZones(): Promise<HostedZone[]> {
    const {sdk, client} = await this.load()
    return allPages(async (marker) => {
      const page = await this.call('ListHostedZones', false, (abortSignal) =>
        client.send(new sdk.ListHostedZonesCommand({Marker: marker}), {abortSignal}),
      )
      const zones = (page.HostedZones ?? []).map((zone) => ({
        id: bareId(zone.Id ?? ''),
        name: dnsName(zone.Name ?? ''),
        private: zone.Config?.PrivateZone ?? false,
      }))
      return {items: zones, next: page.IsTruncated ? page.NextMarker : undefined}
    })
  }

  listZoneRecordSets(hostedZoneId: string): Promise<RecordSet[]> {
    return allPages(async (start: RecordSetStart | undefined) => {
      const page = await this.recordSetPage(hostedZoneId, start ?? {})
      const next = page.IsTruncated
        ? {name: page.NextRecordName, type: page.NextRecordType, identifier: page.NextRecordIdentifier}
        : undefined
      return {items: (page.ResourceRecordSets ?? []).map(recordSetOf), next}
    })
  }

  async listRecordSets(hostedZoneId: string, name: string, type: string): Promise<RecordSet[] | undefined> {
    const wanted = dnsName(name)
    try {
      return await allPages(async (start: RecordSetStart | undefined) => {
        const page = await this.recordSetPage(hostedZoneId, start ?? {name, type})
        // The listing starts at (name, type) and goes on through the zone: stop at the first other record.
        const sets = page.ResourceRecordSets ?? []
        const matching = sets.filter((set) => dnsName(set.Name ?? '') === wanted && set.Type === type)
        const more = page.IsTruncated && matching.length === sets.length && page.NextRecordName
        const next = more
          ? {name: page.NextRecordName, type: page.NextRecordType ?? type, identifier: page.NextRecordIdentifier}
          : undefined
        return {items: matching.map(recordSetOf), next}
      })
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async upsertRecordSets(hostedZoneId: string, records: RecordSet[], comment: string) {
    const {sdk, client} = await this.load()
    const output = await this.call('ChangeResourceRecordSets', true, (abortSignal) =>
      client.send(
        new sdk.ChangeResourceRecordSetsCommand({
          HostedZoneId: bareId(hostedZoneId),
          ChangeBatch: {
            Comment: comment,
            Changes: records.map((record) => ({Action: 'UPSERT', ResourceRecordSet: resourceRecordSetOf(record)})),
          },
        }),
        {abortSignal},
      ),
    )
    return {
      requestId: output.$metadata.requestId,
      changeId: bareId(output.ChangeInfo?.Id ?? ''),
      status: (output.ChangeInfo?.Status ?? 'PENDING') as ChangeStatus,
    }
  }

  async getChange(changeId: string): Promise<ChangeStatus | undefined> {
    const {sdk, client} = await this.load()
    try {
      const output = await this.call('GetChange', false, (abortSignal) =>
        client.send(new sdk.GetChangeCommand({Id: bareId(changeId)}), {abortSignal}),
      )
      return output.ChangeInfo?.Status as ChangeStatus | undefined
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }
}

function recordSetOf(set: Route53Sdk.ResourceRecordSet): RecordSet {
  return {
    name: set.Name ?? '',
    type: set.Type ?? '',
    ...(set.SetIdentifier === undefined ? {} : {setIdentifier: set.SetIdentifier}),
    ...(set.Weight === undefined ? {} : {weight: set.Weight}),
    ...(set.TTL === undefined ? {} : {ttl: set.TTL}),
    values: (set.ResourceRecords ?? []).map((record) => record.Value ?? ''),
    ...(set.AliasTarget
      ? {
          alias: {
            dnsName: set.AliasTarget.DNSName ?? '',
            hostedZoneId: set.AliasTarget.HostedZoneId ?? '',
            evaluateTargetHealth: set.AliasTarget.EvaluateTargetHealth ?? false,
          },
        }
      : {}),
    ...(set.HealthCheckId === undefined ? {} : {healthCheckId: set.HealthCheckId}),
    ...(set.Failover === undefined ? {} : {failover: set.Failover}),
  }
}

function resourceRecordSetOf(record: RecordSet): Route53Sdk.ResourceRecordSet {
  return {
    Name: record.name,
    Type: record.type as Route53Sdk.RRType,
    SetIdentifier: record.setIdentifier,
    Weight: record.weight,
    HealthCheckId: record.healthCheckId,
    ...(record.alias
      ? {
          AliasTarget: {
            DNSName: record.alias.dnsName,
            HostedZoneId: bareId(record.alias.hostedZoneId),
            EvaluateTargetHealth: record.alias.evaluateTargetHealth,
          },
        }
      : {TTL: record.ttl, ResourceRecords: record.values.map((value) => ({Value: value}))}),
  }
}
