import type {World} from '../../world.js'
import {changeStatus} from './records.js'

/** Route 53 as `drctl sandbox show` prints it: each zone's records and the changes still PENDING. */
export interface Route53View {
  hostedZones: {
    id: string
    name: string
    private: boolean
    records: {
      name: string
      type: string
      setIdentifier?: string
      weight?: number
      failover?: string
      ttl?: number
      values: string[]
      alias?: string
    }[]
    pendingChanges: string[]
  }[]
}

export function route53View(world: World, now: number): Route53View {
  return {
    hostedZones: world.route53.hostedZones.map((zone) => ({
      id: zone.id,
      name: zone.name,
      private: zone.vpc !== undefined,
      records: zone.records.map((record) => ({
        name: record.name,
        type: record.type,
        ...(record.setIdentifier === undefined ? {} : {setIdentifier: record.setIdentifier}),
        ...(record.weight === undefined ? {} : {weight: record.weight}),
        ...(record.failover === undefined ? {} : {failover: record.failover}),
        ...(record.ttl === undefined ? {} : {ttl: record.ttl}),
        values: record.values,
        ...(record.alias ? {alias: record.alias.dnsName} : {}),
      })),
      pendingChanges: world.route53.changes
        .filter((change) => change.hostedZoneId === zone.id && changeStatus(change, now) === 'PENDING')
        .map((change) => change.id),
    })),
  }
}
