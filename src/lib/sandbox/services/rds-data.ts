import {executeOnWriter, type Statement} from '../data/databases.js'
import {globalStatusMembers} from '../data/global-status.js'
import {lineageOf} from '../data/lineage.js'
import {executeStatementOutput, type ResultOptions} from '../data/results.js'
import {ApiError} from '../errors.js'
import type {JsonInput} from '../protocol/aws-json.js'
import type {RestJsonResult, RestJsonService} from '../protocol/rest-json.js'
import {type ClusterRecord, databaseSecretArn} from '../world.js'
import {asObject, type CallContext, optionalArray, optionalBoolean, optionalString, requiredString} from './context.js'
import {clusterByArn, instancesOf, parseClusterArn} from './rds/records.js'

/**
 * The RDS Data API (restJson1, signing name `rds-data`; aws-reference-steps §8): ExecuteStatement and
 * BatchExecuteStatement on a cluster's writer, against its real data (data/). Both engines are served by PostgreSQL
 * (PGlite). The one secret they know is the sandbox's database secret of the call's Region (world.ts).
 */

const badRequest = (message: string) => new ApiError('BadRequestException', message, 400)
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:(\d{12}):secret:[A-Za-z0-9/_+=.@-]+$/

/** The cluster a call may run on: found, reachable through the Data API, with a writer instance. */
function writerCluster(context: CallContext, input: JsonInput): ClusterRecord {
  const resourceArn = requiredString(input, 'resourceArn', badRequest)
  const secretArn = requiredString(input, 'secretArn', badRequest)
  const secret = SECRET_ARN.exec(secretArn)
  if (!secret) throw new ApiError('InvalidSecretException', `The secret ARN ${secretArn} is not valid`, 400)
  if (secret[1] !== context.world.account) {
    throw new ApiError('ForbiddenException', `The secret ${secretArn} belongs to another account`, 403)
  }
  if (secretArn !== databaseSecretArn(context.region)) {
    throw new ApiError(
      'SecretsErrorException',
      `Error fetching secret ${secretArn} : Secrets Manager can't find the specified secret.`,
      400,
    )
  }
  if (optionalString(input, 'transactionId', badRequest) !== undefined) {
    throw new ApiError('TransactionNotFoundException', 'Transactions are not simulated by the sandbox', 404)
  }
  const parsed = parseClusterArn(resourceArn)
  if (!parsed) throw badRequest(`Invalid resource ARN ${resourceArn}: a DB cluster ARN is expected`)
  const cluster = parsed.region === context.region ? clusterByArn(context.world, resourceArn) : undefined
  if (!cluster) throw new ApiError('NotFoundException', `DB cluster ${resourceArn} not found in ${context.region}`, 404)
  if (!cluster.httpEndpointEnabled) throw badRequest(`HttpEndpoint is not enabled for resource ${resourceArn}`)
  const writer = instancesOf(context.world, cluster).find((instance) => instance.isWriter)
  if (cluster.status !== 'available' || !writer || writer.status !== 'available') {
    // A secondary of a global database has no writer instance: the Data API refuses even reads there.
    throw badRequest(
      `The Data API needs an available writer instance in DB cluster ${cluster.id}, which has none (a secondary cluster of a global database gets one when it is promoted)`,
    )
  }
  return cluster
}

function resultOptions(input: JsonInput): ResultOptions {
  const resultSet = asObject(input.resultSetOptions)
  return {
    includeResultMetadata: optionalBoolean(input, 'includeResultMetadata', badRequest),
    formatRecordsAs: optionalString(input, 'formatRecordsAs', badRequest),
    decimalReturnType: optionalString(resultSet, 'decimalReturnType', badRequest),
    longReturnType: optionalString(resultSet, 'longReturnType', badRequest),
  }
}

/** Runs statements on the cluster's writer once the world has been let go (the databases are async). */
function onWriter(
  context: CallContext,
  input: JsonInput,
  statements: (sql: string) => Statement[],
  answer: (results: Awaited<ReturnType<typeof executeOnWriter>>) => Record<string, unknown>,
): () => Promise<RestJsonResult> {
  const cluster = writerCluster(context, input)
  const sql = requiredString(input, 'sql', badRequest)
  const target = {
    home: context.home,
    clusterArn: cluster.arn,
    lineage: lineageOf(context.world, cluster),
    worldCreatedAt: context.world.createdAt,
    now: context.now,
    globalStatus: globalStatusMembers(context.world, cluster, context.now),
  }
  const list = statements(sql)
  return async () => ({body: answer(await executeOnWriter(target, list))})
}

const transactionsNotSimulated = () =>
  badRequest("Transactions are not simulated by the sandbox's Data API: send each statement (or batch) on its own")

export const rdsDataService: RestJsonService = {
  protocol: 'restJson1',
  routes: [
    {
      method: 'POST',
      path: /^\/Execute\/?$/,
      operation: 'ExecuteStatement',
      handle: (context, {body}) =>
        onWriter(
          context,
          body,
          (sql) => [{sql, parameters: optionalArray(body, 'parameters', badRequest)}],
          (results) => executeStatementOutput(results[0] as (typeof results)[number], resultOptions(body)),
        ),
    },
    {
      method: 'POST',
      path: /^\/BatchExecute\/?$/,
      operation: 'BatchExecuteStatement',
      handle: (context, {body}) =>
        onWriter(
          context,
          body,
          (sql) => {
            const sets = optionalArray(body, 'parameterSets', badRequest) ?? [[]]
            return sets.map((set) => ({sql, parameters: Array.isArray(set) ? set : []}))
          },
          (results) => ({updateResults: results.map(() => ({generatedFields: []}))}),
        ),
    },
    ...['BeginTransaction', 'CommitTransaction', 'RollbackTransaction'].map((operation) => ({
      method: 'POST',
      path: new RegExp(`^/${operation}/?$`),
      operation,
      handle: (): RestJsonResult => {
        throw transactionsNotSimulated()
      },
    })),
  ],
}
