import {ApiError, SandboxError} from '../../errors.js'
import {derivedId, upperId} from '../../ids.js'
import type {World} from '../../world.js'
import {applyChangeBatch} from './changes.js'
import {bareId, canonicalName, compareRecordKeys, type HostedZoneRecord, type RecordSetRecord} from './records.js'

/** A record of a seeded zone: `values` (with `ttl`, default 300) or an `alias`; weighted ones name their set. */
export interface RecordSeed {
  name: string
  type: string
  ttl?: number
  values?: string[]
  alias?: {hostedZoneId: string; dnsName: string; evaluateTargetHealth?: boolean}
  setIdentifier?: string
  weight?: number
  failover?: 'PRIMARY' | 'SECONDARY'
  healthCheckId?: string
}

export interface HostedZoneSeed {
  /** The zone's domain, like `example.com`. */
  name: string
  /** Default: derived from the name (stable for a scenario), `Z0` and 19 letters or digits. */
  id?: string
  comment?: string
  /** Makes it a private zone of this VPC. */
  vpc?: {id: string; region: string}
  records?: RecordSeed[]
}

const DEFAULT_TTL = 300

function recordOf(seed: RecordSeed): RecordSetRecord {
  return {
    name: canonicalName(seed.name),
    type: seed.type,
    ...(seed.setIdentifier === undefined ? {} : {setIdentifier: seed.setIdentifier}),
    ...(seed.weight === undefined ? {} : {weight: seed.weight}),
    ...(seed.failover === undefined ? {} : {failover: seed.failover}),
    ...(seed.alias
      ? {
          values: [],
          alias: {
            hostedZoneId: bareId(seed.alias.hostedZoneId),
            dnsName: canonicalName(seed.alias.dnsName),
            evaluateTargetHealth: seed.alias.evaluateTargetHealth ?? false,
          },
        }
      : {ttl: seed.ttl ?? DEFAULT_TTL, values: seed.values ?? []}),
    ...(seed.healthCheckId === undefined ? {} : {healthCheckId: seed.healthCheckId}),
  }
}

/** Route 53's four name servers of a zone, one per top-level domain, as it assigns them. */
function nameServers(seed: string): string[] {
  const number = (index: number) => Number.parseInt(derivedId(`${seed}:ns${index}`, 4, '0123456789'), 10) % 2048
  return ['com', 'net', 'org', 'co.uk'].map(
    (tld, index) => `ns-${number(index)}.awsdns-${String(number(index) % 64).padStart(2, '0')}.${tld}`,
  )
}

/**
 * Adds a hosted zone to the world with its SOA and NS records and `records`, which are checked as a CREATE batch
 * would be (so a seed cannot hold what Route 53 would refuse). Returns the zone; its `id` is what drctl.yaml names.
 */
export function seedHostedZone(world: World, seed: HostedZoneSeed): HostedZoneRecord {
  const name = canonicalName(seed.name)
  const id =
    seed.id === undefined ? `Z0${upperId(`${world.account}:zone:${name}:${seed.vpc?.id ?? ''}`, 19)}` : bareId(seed.id)
  if (world.route53.hostedZones.some((zone) => zone.id === id)) {
    throw new SandboxError('bad-argument', `the world already has a hosted zone ${id}`)
  }
  const servers = nameServers(`${world.account}:${id}`)
  const zone: HostedZoneRecord = {
    id,
    name,
    callerReference: `sandbox-${derivedId(`${world.account}:zone-ref:${id}`, 12)}`,
    ...(seed.comment === undefined ? {} : {comment: seed.comment}),
    ...(seed.vpc ? {vpc: seed.vpc} : {}),
    nameServers: servers,
    records: [
      {name, type: 'NS', ttl: 172_800, values: servers.map((server) => `${server}.`)},
      {
        name,
        type: 'SOA',
        ttl: 900,
        values: [`${servers[0]}. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400`],
      },
    ],
  }
  // Checked before it joins the world, so that an alias to a record of this same zone is checked against it.
  const changes = (seed.records ?? []).map((record) => ({action: 'CREATE' as const, record: recordOf(record)}))
  world.route53.hostedZones.push(zone)
  try {
    zone.records = applyChangeBatch(world, zone, changes).sort(compareRecordKeys)
  } catch (error) {
    world.route53.hostedZones.pop()
    if (error instanceof ApiError) throw new SandboxError('bad-argument', `hosted zone ${name}: ${error.message}`)
    throw error
  }
  return zone
}
