import type {Mutation} from './mutation.js'

export interface AliasTarget {
  dnsName: string
  hostedZoneId: string
  evaluateTargetHealth: boolean
}

/** One Route 53 record set; a routed one (weighted) is identified by name, type and set identifier. */
export interface RecordSet {
  name: string
  type: string
  setIdentifier?: string
  weight?: number
  /** Absent on alias records. */
  ttl?: number
  /** The record's values (empty on alias records). */
  values: string[]
  alias?: AliasTarget
  /** Kept on every UPSERT: dropping it would take the record out of health-checked routing. */
  healthCheckId?: string
  /** `PRIMARY` or `SECONDARY` on failover records (read only: drctl moves no failover record). */
  failover?: string
}

export interface HostedZone {
  /** Without the `/hostedzone/` prefix. */
  id: string
  name: string
  private: boolean
}

/** `PENDING` until every Route 53 name server answers with the change, then `INSYNC`. */
export type ChangeStatus = 'PENDING' | 'INSYNC'

/** Route 53, a global service: every call goes to its control plane in us-east-1. */
export interface Route53Port {
  /** Every hosted zone of the account, all pages. */
  listHostedZones(): Promise<HostedZone[]>
  /** Every record set of a zone, all pages. */
  listZoneRecordSets(hostedZoneId: string): Promise<RecordSet[]>
  /** Every record set named `name` of `type` (all set identifiers); `undefined` when the hosted zone does not exist. */
  listRecordSets(hostedZoneId: string, name: string, type: string): Promise<RecordSet[] | undefined>
  /** UPSERTs `records` in one change batch (all or nothing). */
  upsertRecordSets(
    hostedZoneId: string,
    records: RecordSet[],
    comment: string,
  ): Promise<Mutation & {changeId: string; status: ChangeStatus}>
  /** `undefined` when Route 53 no longer knows the change. */
  getChange(changeId: string): Promise<ChangeStatus | undefined>
}
