import type {JsonService} from '../../protocol/aws-json.js'
import type {World} from '../../world.js'
import type {DueEvent} from '../context.js'
import {itemOperations} from './items.js'
import {replicationDueEvents} from './storage.js'
import {tableDueEvents, tableOperations} from './tables.js'

export {tableStatus} from './table-state.js'

/** DynamoDB (awsJson1_0): tables and global tables (tables.ts), their items and replication (items.ts, storage.ts). */
export const dynamodbService: JsonService = {
  protocol: 'awsJson1_0',
  dueEvents: (world, now) => dynamodbDueEvents(world, now),
  targetPrefix: 'DynamoDB_20120810',
  errorNamespace: 'com.amazonaws.dynamodb.v20120810#',
  // DynamoDB answers throttling and its own failures with codes and statuses of its own.
  faultErrors: {
    throttling: {code: 'ThrottlingException', message: 'Rate of requests exceeds the allowed throughput.', status: 400},
    internalCode: 'InternalServerError',
  },
  operations: {...tableOperations, ...itemOperations},
}

export function dynamodbDueEvents(world: World, now: number): DueEvent[] {
  return [...tableDueEvents(world, now), ...replicationDueEvents(world, now)]
}
