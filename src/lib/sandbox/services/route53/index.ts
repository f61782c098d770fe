import {ApiError} from '../../errors.js'
import {nextSeed, upperId} from '../../ids.js'
import type {RestXmlRoute, RestXmlService} from '../../protocol/rest-xml.js'
import {type XmlValue, xmlList} from '../../protocol/xml.js'
import {DURATIONS, scaled} from '../../time.js'
import type {World} from '../../world.js'
import {applyChangeBatch, parseChangeBatch} from './changes.js'
import {
  bareId,
  canonicalName,
  type ChangeRecord,
  changeStatus,
  compareRecordKeys,
  findZone,
  type HostedZoneRecord,
  invalidInput,
  RECORD_TYPES,
  type RecordSetRecord,
  ROUTE53_NAMESPACE,
} from './records.js'

export {type HostedZoneSeed, type RecordSeed, seedHostedZone} from './seed.js'
export type {Route53State} from './records.js'

/**
 * Amazon Route 53 (restXml, 2013-04-01; aws-reference-steps §1): hosted zones, their record sets (simple, alias,
 * weighted, failover) and the changes made to them, PENDING until they have reached every name server, then INSYNC.
 * Its control plane is in us-east-1, whatever Region a call is signed for.
 */

const MAX_RECORDS_PER_PAGE = 300
const DEFAULT_ZONES_PER_PAGE = 100

function maxItems(query: URLSearchParams, ceiling: number, fallback: number): number {
  const text = query.get('maxitems')
  if (text === null) return fallback
  if (!/^\d+$/.test(text) || Number(text) < 1) throw invalidInput(`MaxItems must be a positive number, not ${text}`)
  return Math.min(Number(text), ceiling)
}

function renderZone(zone: HostedZoneRecord): XmlValue {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: zone.name,
    CallerReference: zone.callerReference,
    Config: {Comment: zone.comment, PrivateZone: zone.vpc !== undefined},
    ResourceRecordSetCount: zone.records.length,
  }
}

/** Members in the model's order (ListResourceRecordSets answers them so). */
function renderRecord(record: RecordSetRecord): XmlValue {
  return {
    Name: record.name,
    Type: record.type,
    SetIdentifier: record.setIdentifier,
    Weight: record.weight,
    Failover: record.failover,
    TTL: record.ttl,
    ResourceRecords: record.alias
      ? undefined
      : xmlList(
          'ResourceRecord',
          record.values.map((value) => ({Value: value})),
        ),
    AliasTarget: record.alias && {
      HostedZoneId: record.alias.hostedZoneId,
      DNSName: record.alias.dnsName,
      EvaluateTargetHealth: record.alias.evaluateTargetHealth,
    },
    HealthCheckId: record.healthCheckId,
  }
}

function renderChange(change: ChangeRecord, now: number): XmlValue {
  return {
    Id: `/change/${change.id}`,
    Status: changeStatus(change, now),
    SubmittedAt: new Date(change.submittedAt),
    Comment: change.comment,
  }
}

const listHostedZones: RestXmlRoute['handle'] = ({world}, {query}) => {
  const size = maxItems(query, DEFAULT_ZONES_PER_PAGE, DEFAULT_ZONES_PER_PAGE)
  const marker = query.get('marker') ?? ''
  const zones = [...world.route53.hostedZones].sort((a, b) => (a.id < b.id ? -1 : 1))
  const start = marker === '' ? 0 : zones.findIndex((zone) => zone.id >= bareId(marker))
  const from = start < 0 ? zones.length : start
  const shown = zones.slice(from, from + size)
  const next = zones[from + size]
  return {
    root: 'ListHostedZonesResponse',
    body: {
      HostedZones: xmlList('HostedZone', shown.map(renderZone)),
      Marker: marker,
      IsTruncated: next !== undefined,
      NextMarker: next?.id,
      MaxItems: size,
    },
  }
}

const listHostedZonesByName: RestXmlRoute['handle'] = ({world}, {query}) => {
  const size = maxItems(query, DEFAULT_ZONES_PER_PAGE, DEFAULT_ZONES_PER_PAGE)
  const dnsName = query.get('dnsname') ?? undefined
  const zoneId = query.get('hostedzoneid') ?? undefined
  if (zoneId !== undefined && dnsName === undefined) {
    throw invalidInput('The input is not valid: HostedZoneId requires DNSName')
  }
  // By name as record sets sort, the zone id breaking ties (zones of one name, public and private).
  const key = (zone: {name: string; id: string}) => ({name: zone.name, type: zone.id})
  const zones = [...world.route53.hostedZones].sort((a, b) => compareRecordKeys(key(a), key(b)))
  const start =
    dnsName === undefined
      ? 0
      : zones.findIndex((zone) => compareRecordKeys(key(zone), {name: canonicalName(dnsName), type: zoneId ?? ''}) >= 0)
  const from = start < 0 ? zones.length : start
  const next = zones[from + size]
  return {
    root: 'ListHostedZonesByNameResponse',
    body: {
      HostedZones: xmlList('HostedZone', zones.slice(from, from + size).map(renderZone)),
      DNSName: dnsName,
      HostedZoneId: zoneId,
      IsTruncated: next !== undefined,
      NextDNSName: next?.name,
      NextHostedZoneId: next?.id,
      MaxItems: size,
    },
  }
}

const getHostedZone: RestXmlRoute['handle'] = ({world}, {params}) => {
  const zone = findZone(world, params[0] as string)
  return {
    root: 'GetHostedZoneResponse',
    body: {
      HostedZone: renderZone(zone),
      DelegationSet: zone.vpc ? undefined : {NameServers: xmlList('NameServer', zone.nameServers)},
      VPCs: zone.vpc && xmlList('VPC', [{VPCRegion: zone.vpc.region, VPCId: zone.vpc.id}]),
    },
  }
}

const listResourceRecordSets: RestXmlRoute['handle'] = ({world}, {params, query}) => {
  const zone = findZone(world, params[0] as string)
  const name = query.get('name') ?? undefined
  const type = query.get('type') ?? undefined
  const identifier = query.get('identifier') ?? undefined
  if (type !== undefined && name === undefined) throw invalidInput('The input is not valid: type requires name')
  if (identifier !== undefined && type === undefined) {
    throw invalidInput('The input is not valid: identifier requires name and type')
  }
  if (type !== undefined && !RECORD_TYPES.includes(type)) throw invalidInput(`${type} is not a valid RRType`)
  const size = maxItems(query, MAX_RECORDS_PER_PAGE, MAX_RECORDS_PER_PAGE)
  const records = [...zone.records].sort(compareRecordKeys)
  const startKey = {name: canonicalName(name ?? zone.name), type: type ?? '', setIdentifier: identifier}
  const start = name === undefined ? 0 : records.findIndex((record) => compareRecordKeys(record, startKey) >= 0)
  const from = start < 0 ? records.length : start
  const next = records[from + size]
  return {
    root: 'ListResourceRecordSetsResponse',
    body: {
      ResourceRecordSets: xmlList('ResourceRecordSet', records.slice(from, from + size).map(renderRecord)),
      IsTruncated: next !== undefined,
      NextRecordName: next?.name,
      NextRecordType: next?.type,
      NextRecordIdentifier: next?.setIdentifier,
      MaxItems: size,
    },
  }
}

/** A zone refuses changes while an earlier one is PENDING, when the `zone-busy` fault says so. */
function refuseWhileBusy(world: World, zone: HostedZoneRecord, now: number): void {
  const busy = world.faults.some((fault) => fault.kind === 'zone-busy' && fault.hostedZoneId === zone.id)
  const pending = world.route53.changes.some(
    (change) => change.hostedZoneId === zone.id && changeStatus(change, now) === 'PENDING',
  )
  if (busy && pending) {
    throw new ApiError(
      'PriorRequestNotComplete',
      'The request was rejected because Route 53 was still processing a prior request.',
    )
  }
}

const changeResourceRecordSets: RestXmlRoute['handle'] = ({world, now}, {params, body}) => {
  const zone = findZone(world, params[0] as string)
  refuseWhileBusy(world, zone, now)
  const {changes, comment} = parseChangeBatch(body)
  zone.records = applyChangeBatch(world, zone, changes).sort(compareRecordKeys)
  const change: ChangeRecord = {
    id: `C0${upperId(nextSeed(world, 'route53-change'), 19)}`,
    hostedZoneId: zone.id,
    submittedAt: now,
    insyncAt: now + scaled(world, DURATIONS.route53Propagation),
    ...(comment === undefined ? {} : {comment}),
  }
  world.route53.changes.push(change)
  return {root: 'ChangeResourceRecordSetsResponse', body: {ChangeInfo: renderChange(change, now)}}
}

const getChange: RestXmlRoute['handle'] = ({world, now}, {params}) => {
  const id = bareId(params[0] as string)
  const change = world.route53.changes.find((candidate) => candidate.id === id)
  if (!change) throw new ApiError('NoSuchChange', `A change with the specified change ID ${id} does not exist.`, 404)
  return {root: 'GetChangeResponse', body: {ChangeInfo: renderChange(change, now)}}
}

export const route53Service: RestXmlService = {
  protocol: 'restXml',
  namespace: ROUTE53_NAMESPACE,
  controlPlaneRegion: 'us-east-1',
  routes: [
    {method: 'GET', path: /^\/2013-04-01\/hostedzone$/, operation: 'ListHostedZones', handle: listHostedZones},
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzonesbyname$/,
      operation: 'ListHostedZonesByName',
      handle: listHostedZonesByName,
    },
    {method: 'GET', path: /^\/2013-04-01\/hostedzone\/([^/]+)$/, operation: 'GetHostedZone', handle: getHostedZone},
    {
      method: 'GET',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      operation: 'ListResourceRecordSets',
      handle: listResourceRecordSets,
    },
    {
      method: 'POST',
      path: /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/,
      operation: 'ChangeResourceRecordSets',
      handle: changeResourceRecordSets,
    },
    {method: 'GET', path: /^\/2013-04-01\/change\/([^/]+)$/, operation: 'GetChange', handle: getChange},
  ],
}
