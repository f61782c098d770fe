import {ApiError} from '../../errors.js'
import {tableArn} from '../../ids.js'
import type {World} from '../../world.js'
import type {ReplicaRecord, TableRecord} from './records.js'
import {type CallContext, epochSeconds} from '../context.js'
import {itemSize, keyAttributes, liveItems} from './storage.js'

// A table as one Region sees it: its replica there, the table's status from there, DescribeTable's answer.

export const notFound = (name: string) =>
  new ApiError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`)
export const inUse = (message: string) =>
  new ApiError('ResourceInUseException', `Attempt to change a resource which is still in use: ${message}`)

/** The table `name` as the Region of the call has it (tables of one name in two Regions may be unrelated). */
export function findReplica(
  world: World,
  name: string,
  region: string,
): {table: TableRecord; replica: ReplicaRecord} | undefined {
  for (const table of world.dynamodb.tables) {
    if (table.name !== name) continue
    const replica = table.replicas.find((candidate) => candidate.region === region)
    if (replica) return {table, replica}
  }
  return undefined
}

export function localReplica(world: World, name: string, region: string): {table: TableRecord; replica: ReplicaRecord} {
  const found = findReplica(world, name, region)
  if (!found) throw notFound(name)
  return found
}

export function tableUpdating(table: TableRecord): boolean {
  return table.replicas.some((replica) => replica.status !== 'ACTIVE') || table.witness?.status === 'CREATING'
}

export function isGlobal(table: TableRecord): boolean {
  return table.replicas.length > 1 || table.witness !== undefined
}

/** TableStatus as the Region of `replica` reports it: its own change, else UPDATING while any replica changes. */
export function tableStatus(table: TableRecord, replica: ReplicaRecord): string {
  if (replica.status === 'CREATING') return 'CREATING'
  if (replica.status === 'DELETING') return 'DELETING'
  return tableUpdating(table) ? 'UPDATING' : 'ACTIVE'
}

export function describe(context: CallContext, table: TableRecord, replica: ReplicaRecord): Record<string, unknown> {
  const arn = tableArn(replica.region, context.world.account, table.name)
  const created = epochSeconds(replica.createdAt)
  const keys = keyAttributes(table)
  const items = liveItems(replica)
  const stream = new Date(replica.createdAt).toISOString().replace(/Z$/, '')
  const provisioned = replica.provisioned ?? table.provisioned
  return {
    AttributeDefinitions: keys.map(({name, type}) => ({AttributeName: name, AttributeType: type})),
    TableName: table.name,
    KeySchema: keys.map(({name}, index) => ({AttributeName: name, KeyType: index === 0 ? 'HASH' : 'RANGE'})),
    TableStatus: tableStatus(table, replica),
    CreationDateTime: created,
    ProvisionedThroughput: {
      NumberOfDecreasesToday: 0,
      ReadCapacityUnits: provisioned?.readUnits ?? 0,
      WriteCapacityUnits: provisioned?.writeUnits ?? 0,
    },
    TableSizeBytes: items.reduce((sum, item) => sum + itemSize(item), 0),
    ItemCount: items.length,
    TableArn: arn,
    TableId: table.tableId,
    ...(provisioned
      ? {}
      : {BillingModeSummary: {BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: created}}),
    StreamSpecification: {StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES'},
    LatestStreamLabel: stream,
    LatestStreamArn: `${arn}/stream/${stream}`,
    ...(isGlobal(table) ? {GlobalTableVersion: '2019.11.21'} : {}),
    // As AWS's own example shows, the list seen from one Region names the other Regions.
    Replicas: table.replicas
      .filter((other) => other !== replica)
      .map((other) => ({
        RegionName: other.region,
        ReplicaStatus: other.status,
        ...(other.status === 'CREATING' ? {ReplicaStatusPercentProgress: replicaProgress(other, context.now)} : {}),
        ReplicaTableClassSummary: {TableClass: 'STANDARD'},
      })),
    ...(table.witness
      ? {GlobalTableWitnesses: [{RegionName: table.witness.region, WitnessStatus: table.witness.status}]}
      : {}),
    DeletionProtectionEnabled: replica.deletionProtection,
    TableClassSummary: {TableClass: 'STANDARD'},
    ...(isGlobal(table) ? {MultiRegionConsistency: table.consistency ?? 'EVENTUAL'} : {}),
  }
}

function replicaProgress(replica: ReplicaRecord, now: number): string {
  if (replica.until === undefined) return '100'
  const total = replica.until - replica.createdAt
  return String(Math.max(0, Math.min(99, Math.floor(((now - replica.createdAt) / Math.max(total, 1)) * 100))))
}
