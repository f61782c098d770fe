import {ApiError} from '../../errors.js'
import type {World} from '../../world.js'

/** Route 53 in the world: hosted zones with their record sets, and the changes made to them (GetChange). */
export interface Route53State {
  hostedZones: HostedZoneRecord[]
  changes: ChangeRecord[]
}

export interface HostedZoneRecord {
  /** Bare id (`Z0…`); the API answers `/hostedzone/<id>`. */
  id: string
  /** Lowercase, with the trailing dot. */
  name: string
  callerReference: string
  comment?: string
  /** A private zone answers only inside this VPC. */
  vpc?: {id: string; region: string}
  nameServers: string[]
  records: RecordSetRecord[]
}

export interface AliasRecord {
  hostedZoneId: string
  dnsName: string
  evaluateTargetHealth: boolean
}

/** A record set as Route 53 keeps it: its identity is (name, type, set identifier). */
export interface RecordSetRecord {
  /** Lowercase, with the trailing dot, `*` written `\052` (as ListResourceRecordSets answers it). */
  name: string
  type: string
  setIdentifier?: string
  weight?: number
  failover?: 'PRIMARY' | 'SECONDARY'
  ttl?: number
  /** The values of ResourceRecords; empty for an alias. */
  values: string[]
  alias?: AliasRecord
  healthCheckId?: string
}

export interface ChangeRecord {
  /** Bare id (`C0…`); the API answers `/change/<id>`. */
  id: string
  hostedZoneId: string
  submittedAt: number
  /** PENDING until then, INSYNC from then on. */
  insyncAt: number
  comment?: string
}

export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/'

/** CloudFront's own hosted zone, for alias records that point at a distribution. */
export const CLOUDFRONT_ALIAS_ZONE = 'Z2FDTNDATAQYW2'

export const RECORD_TYPES = [
  'SOA',
  'A',
  'TXT',
  'NS',
  'CNAME',
  'MX',
  'NAPTR',
  'PTR',
  'SRV',
  'SPF',
  'AAAA',
  'CAA',
  'DS',
  'TLSA',
  'SSHFP',
  'SVCB',
  'HTTPS',
]

export const invalidInput = (message: string) => new ApiError('InvalidInput', message)

const noSuchHostedZone = (id: string) => new ApiError('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404)

/** Ids arrive bare, or as `/hostedzone/Z…` and `/change/C…` from clients that do not strip the prefix. */
export function bareId(id: string): string {
  return id.replace(/^\/?(hostedzone|change)\//, '')
}

/** A DNS name as Route 53 keeps and answers it: lowercase, trailing dot, `*` escaped as `\052`. */
export function canonicalName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\*/g, '\\052')
  return lower.endsWith('.') ? lower : `${lower}.`
}

/** The labels of a name, from the top (`www.example.com.` → com, example, www): the order listings sort by. */
function reversedLabels(name: string): string[] {
  return name.replace(/\.$/, '').split('.').reverse()
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** ListResourceRecordSets order: by name with its labels reversed, then type, then set identifier. */
export function compareRecordKeys(
  a: {name: string; type: string; setIdentifier?: string},
  b: {name: string; type: string; setIdentifier?: string},
): number {
  const left = reversedLabels(a.name)
  const right = reversedLabels(b.name)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareStrings(left[i] as string, right[i] as string)
    if (order !== 0) return order
  }
  return (
    left.length - right.length ||
    compareStrings(a.type, b.type) ||
    compareStrings(a.setIdentifier ?? '', b.setIdentifier ?? '')
  )
}

/** Whether `name` is the zone's own name or a name under it. */
export function inZone(zone: HostedZoneRecord, name: string): boolean {
  return name === zone.name || name.endsWith(`.${zone.name}`)
}

export function findZone(world: World, id: string): HostedZoneRecord {
  const bare = bareId(id)
  const zone = world.route53.hostedZones.find((candidate) => candidate.id === bare)
  if (!zone) throw noSuchHostedZone(bare)
  return zone
}

/** The change's status at `now`: PENDING until its propagation time has passed. */
export function changeStatus(change: ChangeRecord, now: number): 'PENDING' | 'INSYNC' {
  return now < change.insyncAt ? 'PENDING' : 'INSYNC'
}
