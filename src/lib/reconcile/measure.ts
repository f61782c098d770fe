import type {AwsPorts} from '../aws/ports.js'
import type {ProgressListener} from '../core/events.js'
import type {Topology} from '../topology/views.js'
import {engineRpoLag, type HeartbeatTable, newestHeartbeat} from './heartbeat.js'
import {errorMessage} from '../core/errors.js'

/** RPO measured now for one global cluster: on its writer, the newest heartbeat and each secondary's lag. */
export interface GlobalClusterRpo {
  globalClusterId: string
  writer?: {clusterId: string; region: string}
  /** The writer's newest heartbeat (null: the table is empty) and how old it is: are writes still arriving? */
  heartbeat?: {newest: string | null; ageMs?: number}
  /**
   * Each secondary's RPO lag as Aurora measures it (aurora_global_db_status on the writer): the writes it would lose
   * if the writer failed now. Its own heartbeats cannot be read: the Data API refuses a global secondary.
   */
  secondaries: {region: string; clusterId?: string; rpoLagMs: number}[]
  /** What could not be measured, and why. */
  problems: string[]
}

/**
 * Measures every global cluster the observation found through its writer's Data API, each read bounded by
 * the measurement deadline (heartbeat.ts). Never throws: what cannot be read is a problem of that cluster's measurement.
 */
export async function measureRpo(
  aws: AwsPorts,
  topology: Topology,
  heartbeats: HeartbeatTable,
  options: {now: number; emit?: ProgressListener},
): Promise<GlobalClusterRpo[]> {
  const {now, emit} = options
  emit?.({type: 'task-start', id: 'rpo', title: `Reading ${heartbeats.table} and Aurora's lag on each writer`})
  const measured = await Promise.all(
    topology.aurora
      .filter((view) => view.found && heartbeats.globalClusters.includes(view.id))
      .map(async (view): Promise<GlobalClusterRpo> => {
        const base = {globalClusterId: view.id, secondaries: []}
        const writer = view.members.find((member) => member.role === 'writer')
        if (!writer) return {...base, problems: ['no writer: the Data API serves writers only']}
        if (writer.unreadable) return {...base, problems: [`writer ${writer.clusterId}: ${writer.unreadable.message}`]}
        const cluster = {clusterArn: writer.clusterArn, clusterId: writer.clusterId, region: writer.region}
        const dataApi = aws.rdsData(writer.region)
        const [newest, lags] = await Promise.allSettled([
          newestHeartbeat(dataApi, cluster, heartbeats),
          engineRpoLag(dataApi, cluster, heartbeats, view.engine ?? 'aurora-postgresql'),
        ])
        const failed = [
          ...(newest.status === 'rejected' ? [{what: 'heartbeat', reason: errorMessage(newest.reason)}] : []),
          ...(lags.status === 'rejected' ? [{what: "Aurora's lag", reason: errorMessage(lags.reason)}] : []),
        ]
        // One cause (the Data API disabled, the secret unreadable) fails both reads: said once.
        const problems =
          failed.length === 2 && failed[0]?.reason === failed[1]?.reason
            ? [`${writer.clusterId}: ${failed[0]?.reason}`]
            : failed.map((failure) => `${failure.what} in ${writer.clusterId}: ${failure.reason}`)
        return {
          ...base,
          writer: {clusterId: writer.clusterId, region: writer.region},
          ...(newest.status === 'fulfilled'
            ? {
                heartbeat: {
                  newest: newest.value,
                  ...(newest.value ? {ageMs: Math.max(0, now - Date.parse(newest.value))} : {}),
                },
              }
            : {}),
          secondaries:
            lags.status === 'fulfilled'
              ? lags.value.map((lag) => ({
                  ...lag,
                  clusterId: view.members.find((member) => member.region === lag.region)?.clusterId,
                }))
              : [],
          problems,
        }
      }),
  )
  emit?.({type: 'task-end', id: 'rpo', status: 'done'})
  return measured
}
