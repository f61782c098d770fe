import {isIP} from 'node:net'

import {ApiError} from '../../errors.js'
import type {XmlInput} from '../../protocol/xml.js'
import type {World} from '../../world.js'
import {
  type AliasRecord,
  CLOUDFRONT_ALIAS_ZONE,
  canonicalName,
  type HostedZoneRecord,
  inZone,
  invalidInput,
  RECORD_TYPES,
  type RecordSetRecord,
} from './records.js'

/**
 * ChangeResourceRecordSets (aws-reference-steps §1): a batch is checked as a whole and applied all or nothing. Shape
 * mistakes are `InvalidInput`; what the zone's records refuse is `InvalidChangeBatch`, whose message lists every
 * problem of the batch in brackets, as Route 53 writes it.
 */

type Action = 'CREATE' | 'DELETE' | 'UPSERT'

interface ParsedChange {
  action: Action
  record: RecordSetRecord
}

const ROUTING_POLICIES = [
  'Weight',
  'Region',
  'Failover',
  'GeoLocation',
  'MultiValueAnswer',
  'GeoProximityLocation',
  'CidrRoutingConfig',
]
const MAX_VALUES_PER_BATCH = 1000
const MAX_TTL = 2_147_483_647

/** How Route 53 names a change in InvalidInput messages. */
function changeLabel(action: string, set: XmlInput): string {
  const parts = [`Action=${action}`, `Name=${set.string('Name') ?? ''}`, `Type=${set.string('Type') ?? ''}`]
  const setIdentifier = set.string('SetIdentifier')
  if (setIdentifier !== undefined) parts.push(`SetIdentifier=${setIdentifier}`)
  return `[${parts.join(', ')}]`
}

/** How Route 53 names a record set in InvalidChangeBatch messages. */
function recordLabel(record: RecordSetRecord): string {
  const identifier = record.setIdentifier === undefined ? '' : `, set-identifier='${record.setIdentifier}'`
  return `[name='${record.name}', type='${record.type}'${identifier}]`
}

function parseAlias(set: XmlInput): AliasRecord | undefined {
  const alias = set.child('AliasTarget')
  if (!alias) return undefined
  return {
    hostedZoneId: alias.required('HostedZoneId'),
    dnsName: canonicalName(alias.required('DNSName')),
    evaluateTargetHealth: alias.boolean('EvaluateTargetHealth') ?? missingEvaluateTargetHealth(),
  }
}

function missingEvaluateTargetHealth(): never {
  throw invalidInput('Invalid request: Missing field EvaluateTargetHealth in AliasTarget')
}

/** A record's routing policy: none (simple), or weighted or failover with its set identifier. */
function routingOf(set: XmlInput, label: string): Pick<RecordSetRecord, 'setIdentifier' | 'weight' | 'failover'> {
  const policies = ROUTING_POLICIES.filter((policy) => set.child(policy) !== undefined)
  const setIdentifier = set.string('SetIdentifier')
  const oneOf = `Expected exactly one of [Weight, Region, Failover, GeoLocation, MultiValueAnswer, GeoProximityLocation, or CidrRoutingConfig]`
  if (policies.length > 1) {
    throw invalidInput(`Invalid request: ${oneOf}, but found more than one in Change with ${label}`)
  }
  if (setIdentifier !== undefined && policies.length === 0) {
    throw invalidInput(`Invalid request: ${oneOf}, but found none in Change with ${label}`)
  }
  if (setIdentifier === undefined && policies.length === 1) {
    throw invalidInput(`Invalid request: Missing field 'SetIdentifier' in Change with ${label}`)
  }
  if (setIdentifier !== undefined && (setIdentifier.length < 1 || setIdentifier.length > 128)) {
    throw invalidInput(`Invalid request: SetIdentifier must be 1 to 128 characters in Change with ${label}`)
  }
  const policy = policies[0]
  if (policy !== undefined && policy !== 'Weight' && policy !== 'Failover') {
    throw invalidInput(
      `The sandbox simulates simple, weighted and failover records, not ${policy} routing (Change with ${label})`,
    )
  }
  const weight = set.integer('Weight')
  if (weight !== undefined && (weight < 0 || weight > 255)) {
    throw invalidInput(`Invalid request: Weight must be between 0 and 255 in Change with ${label}`)
  }
  const failover = set.string('Failover')
  if (failover !== undefined && failover !== 'PRIMARY' && failover !== 'SECONDARY') {
    throw invalidInput(`Invalid XML ; Failover must be PRIMARY or SECONDARY, not ${failover}`)
  }
  return {
    ...(setIdentifier === undefined ? {} : {setIdentifier}),
    ...(weight === undefined ? {} : {weight}),
    ...(failover === undefined ? {} : {failover}),
  }
}

/** What a record answers: an alias, or a TTL and values. */
function answerOf(set: XmlInput, label: string): Pick<RecordSetRecord, 'ttl' | 'values' | 'alias'> {
  const alias = parseAlias(set)
  const ttl = set.integer('TTL')
  const hasValues = set.child('ResourceRecords') !== undefined
  const content = `Expected exactly one of [AliasTarget, all of [TTL, and ResourceRecords], or TrafficPolicyInstanceId]`
  if (set.child('TrafficPolicyInstanceId')) {
    throw invalidInput(`The sandbox does not simulate traffic policies (Change with ${label})`)
  }
  if (alias && (ttl !== undefined || hasValues)) {
    throw invalidInput(`Invalid request: ${content}, but found more than one in Change with ${label}`)
  }
  if (alias) return {values: [], alias}
  if (ttl === undefined && !hasValues) {
    throw invalidInput(`Invalid request: ${content}, but found none in Change with ${label}`)
  }
  if (ttl === undefined) throw invalidInput(`Invalid request: Missing field 'TTL' in Change with ${label}`)
  if (!hasValues) throw invalidInput(`Invalid request: Missing field 'ResourceRecords' in Change with ${label}`)
  if (ttl < 0 || ttl > MAX_TTL) {
    throw invalidInput(`Invalid request: TTL must be between 0 and ${MAX_TTL} in Change with ${label}`)
  }
  const values = set.list('ResourceRecords').map((record) => record.required('Value'))
  if (values.length === 0) {
    throw invalidInput(`Invalid request: ResourceRecords must not be empty in Change with ${label}`)
  }
  return {ttl, values}
}

function parseChange(change: XmlInput): ParsedChange {
  const action = change.required('Action')
  if (action !== 'CREATE' && action !== 'DELETE' && action !== 'UPSERT') {
    throw invalidInput(`Invalid XML ; Action must be CREATE, DELETE or UPSERT, not ${action}`)
  }
  const set = change.child('ResourceRecordSet')
  if (!set) throw invalidInput('Invalid request: Missing field ResourceRecordSet in Change')
  const label = changeLabel(action, set)
  const type = set.required('Type')
  if (!RECORD_TYPES.includes(type)) throw invalidInput(`Invalid XML ; ${type} is not a valid RRType`)
  const healthCheckId = set.string('HealthCheckId')
  return {
    action,
    record: {
      name: canonicalName(set.required('Name')),
      type,
      ...routingOf(set, label),
      ...answerOf(set, label),
      ...(healthCheckId === undefined ? {} : {healthCheckId}),
    },
  }
}

export function parseChangeBatch(body: XmlInput | undefined): {changes: ParsedChange[]; comment?: string} {
  const batch = body?.child('ChangeBatch')
  if (!batch) throw invalidInput('Invalid XML ; ChangeBatch is required')
  const changes = batch.list('Changes').map(parseChange)
  if (changes.length === 0) throw invalidInput('Invalid XML ; Changes must contain at least one Change')
  return {changes, comment: batch.string('Comment')}
}

const sameIdentity = (a: RecordSetRecord, b: RecordSetRecord) =>
  a.name === b.name && a.type === b.type && a.setIdentifier === b.setIdentifier

function sameContent(a: RecordSetRecord, b: RecordSetRecord): boolean {
  const values = (record: RecordSetRecord) => [...record.values].sort().join('\n')
  const alias = (record: RecordSetRecord) =>
    record.alias
      ? `${record.alias.hostedZoneId} ${record.alias.dnsName} ${record.alias.evaluateTargetHealth}`
      : undefined
  return (
    a.ttl === b.ttl &&
    values(a) === values(b) &&
    alias(a) === alias(b) &&
    a.weight === b.weight &&
    a.failover === b.failover &&
    a.healthCheckId === b.healthCheckId
  )
}

/** What the record's values say about themselves: addresses must be addresses, a CNAME has one value. */
function valueProblems(record: RecordSetRecord): string[] {
  if (record.type === 'A') {
    return record.values
      .filter((value) => isIP(value) !== 4)
      .map(
        (value) =>
          `Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '${value}''`,
      )
  }
  if (record.type === 'AAAA') {
    return record.values
      .filter((value) => isIP(value) !== 6)
      .map(
        (value) =>
          `Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with '${value}''`,
      )
  }
  if (record.type === 'CNAME' && record.values.length > 1) {
    return [`RRSet of type CNAME with DNS name ${record.name} is not permitted because it has more than one value`]
  }
  return []
}

function aliasProblems(
  world: World,
  zone: HostedZoneRecord,
  records: RecordSetRecord[],
  record: RecordSetRecord,
): string[] {
  const alias = record.alias
  if (!alias) return []
  if (alias.hostedZoneId === CLOUDFRONT_ALIAS_ZONE && alias.evaluateTargetHealth) {
    return [
      `Tried to create an alias that targets ${alias.dnsName}, type ${record.type} in zone ${alias.hostedZoneId}, but EvaluateTargetHealth cannot be true for a CloudFront distribution`,
    ]
  }
  // An alias to a record of a zone this account holds: the target must be there.
  const target = world.route53.hostedZones.find((zone) => zone.id === alias.hostedZoneId)
  if (!target) return []
  const prefix = `Tried to create an alias that targets ${alias.dnsName}, type ${record.type} in zone ${alias.hostedZoneId}`
  if (!inZone(target, alias.dnsName))
    return [`${prefix}, but the alias target name does not lie within the target zone`]
  // In this zone, the records as the batch has left them so far.
  const candidates = target.id === zone.id ? records : target.records
  const found = candidates.some((candidate) => candidate.name === alias.dnsName && candidate.type === record.type)
  return found ? [] : [`${prefix}, but that target was not found`]
}

/** Why `record` cannot join `records` (CNAME exclusivity, routing policies that do not mix). */
function conflicts(zone: HostedZoneRecord, records: RecordSetRecord[], record: RecordSetRecord): string[] {
  const others = records.filter((candidate) => candidate.name === record.name && !sameIdentity(candidate, record))
  const cname = others.find((candidate) => (candidate.type === 'CNAME') !== (record.type === 'CNAME'))
  if (cname && record.type === 'CNAME') {
    return [
      `RRSet of type CNAME with DNS name ${record.name} is not permitted as it conflicts with other records with the same DNS name in zone ${zone.name}`,
    ]
  }
  if (cname) {
    return [
      `RRSet of type ${record.type} with DNS name ${record.name} is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone ${zone.name}`,
    ]
  }
  const sameType = others.filter((candidate) => candidate.type === record.type)
  if (record.setIdentifier === undefined && sameType.length > 0) {
    return [
      `RRSet with DNS name ${record.name}, type ${record.type} cannot be created as other RRSets exist with the same name and type and a routing policy`,
    ]
  }
  if (record.setIdentifier !== undefined && sameType.some((candidate) => candidate.setIdentifier === undefined)) {
    return [
      `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as a non-weighted set exists with the same name and type`,
    ]
  }
  const policy = (candidate: RecordSetRecord) => (candidate.weight !== undefined ? 'weighted' : 'failover')
  if (sameType.some((candidate) => policy(candidate) !== policy(record))) {
    return [
      `RRSet with DNS name ${record.name}, type ${record.type}, SetIdentifier ${record.setIdentifier} cannot be created as sets with another routing policy exist with the same name and type`,
    ]
  }
  if (record.failover !== undefined && sameType.some((candidate) => candidate.failover === record.failover)) {
    return [
      `RRSet with DNS name ${record.name}, type ${record.type} cannot have a second ${record.failover} failover record`,
    ]
  }
  return []
}

/** Two changes to one record set in a batch are allowed only as DELETE then CREATE (a replacement). */
function batchProblems(changes: ParsedChange[]): string[] {
  const problems: string[] = []
  const seen = new Set<number>()
  changes.forEach((change, index) => {
    if (seen.has(index)) return
    const group = changes.flatMap((other, at) => (sameIdentity(other.record, change.record) ? [at] : []))
    for (const at of group) seen.add(at)
    const actions = group.map((at) => (changes[at] as ParsedChange).action).join(' ')
    if (group.length > 1 && actions !== 'DELETE CREATE') {
      problems.push(
        `The request contains an invalid set of changes for a resource record set '${change.record.type} ${change.record.name}'`,
      )
    }
  })
  return problems
}

/**
 * Checks the batch against the zone and returns the zone's records as the batch leaves them; throws
 * `InvalidChangeBatch` naming every problem, leaving the zone as it was.
 */
export function applyChangeBatch(world: World, zone: HostedZoneRecord, changes: ParsedChange[]): RecordSetRecord[] {
  const problems = batchProblems(changes)
  const valueCount = changes.reduce((sum, change) => sum + change.record.values.length, 0)
  if (valueCount > MAX_VALUES_PER_BATCH) problems.push(`Number of records limit of ${MAX_VALUES_PER_BATCH} exceeded.`)
  let records = [...zone.records]
  for (const {action, record} of changes) {
    const existing = records.find((candidate) => sameIdentity(candidate, record))
    if (!inZone(zone, record.name)) {
      problems.push(`RRSet with DNS name ${record.name} is not permitted in zone ${zone.name}`)
      continue
    }
    if (action === 'DELETE') {
      if (!existing) problems.push(`Tried to delete resource record set ${recordLabel(record)} but it was not found`)
      else if (!sameContent(existing, record)) {
        problems.push(
          `Tried to delete resource record set ${recordLabel(record)} but the values provided do not match the current values`,
        )
      } else records = records.filter((candidate) => candidate !== existing)
      continue
    }
    if (action === 'CREATE' && existing) {
      problems.push(`Tried to create resource record set ${recordLabel(record)} but it already exists`)
      continue
    }
    const found = [
      ...(record.type === 'CNAME' && record.name === zone.name
        ? [`RRSet of type CNAME with DNS name ${record.name} is not permitted at apex in zone ${zone.name}`]
        : []),
      ...valueProblems(record),
      ...aliasProblems(world, zone, records, record),
      ...conflicts(zone, records, record),
    ]
    problems.push(...found)
    if (found.length === 0) records = [...records.filter((candidate) => candidate !== existing), record]
  }
  if (problems.length > 0) throw new ApiError('InvalidChangeBatch', `[${problems.join(', ')}]`)
  return records
}
