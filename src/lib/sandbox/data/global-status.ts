import {regionOfArn} from '../ids.js'
import {auroraLagMs} from '../replication-lag.js'
import {type ClusterRecord, membershipOf, type World} from '../world.js'
import {isLost} from './log.js'
import type {DataLineage, LogEntry} from './records.js'

/**
 * Aurora's global-database status, readable with SQL on any writer as in AWS: `SELECT * FROM
 * aurora_global_db_status()` (Aurora PostgreSQL) and `SELECT * FROM information_schema.aurora_global_db_status`
 * (Aurora MySQL, lowercase columns here). Both read rows the Data API computes from the world at the call's time and
 * hands to the transaction in a setting, so reading them writes nothing (and is not logged as a write).
 */

/** A member of a cluster's global database at a moment: its Region, its lag (-1: the primary), what has reached it. */
export interface GlobalStatusMember {
  region: string
  lagMs: number
  /** Statements committed by this time have reached it. */
  through: number
}

/** The members of `cluster`'s global database at `at`; none when it is not a member of one. */
export function globalStatusMembers(world: World, cluster: ClusterRecord, at: number): GlobalStatusMember[] {
  const membership = membershipOf(world, cluster.arn)
  // An old primary waiting to rejoin is no member yet.
  if (!membership?.member) return []
  const {global} = membership
  return global.members.map((member) => {
    const region = regionOfArn(member.clusterArn)
    if (member.isWriter) return {region, lagMs: -1, through: Number.POSITIVE_INFINITY}
    const lagMs = auroraLagMs(world, global, member.clusterArn, at)
    return {region, lagMs, through: at - lagMs}
  })
}

/** The setting the catalog's function reads its rows from (a transaction-local custom setting). */
export const GLOBAL_STATUS_SETTING = 'aurora_sim.global_db_status'

const COLUMNS =
  'aws_region text, highest_lsn_written bigint, durability_lag_in_msec bigint, rpo_lag_in_msec bigint, ' +
  'last_lag_calculation_time timestamptz, feedback_epoch int, feedback_xmin bigint'

/** Creates the function and the view once per database engine; `aurora_sim` goes on every writer's search_path. */
export const AURORA_CATALOG_SQL = `
CREATE SCHEMA aurora_sim;
CREATE FUNCTION aurora_sim.aurora_global_db_status() RETURNS TABLE (${COLUMNS}) LANGUAGE sql STABLE AS $$
  SELECT * FROM jsonb_to_recordset(coalesce(nullif(current_setting('${GLOBAL_STATUS_SETTING}', true), ''), '[]')::jsonb)
    AS status(${COLUMNS})
$$;
CREATE VIEW information_schema.aurora_global_db_status AS
  SELECT aws_region, highest_lsn_written, durability_lag_in_msec AS durability_lag_in_milliseconds,
    rpo_lag_in_msec AS rpo_lag_in_milliseconds, last_lag_calculation_time AS last_lag_calculation_timestamp,
    feedback_xmin AS oldest_read_view_trx_id
  FROM aurora_sim.aurora_global_db_status();
`

/**
 * The rows as the setting holds them. highest_lsn_written is the seq of the newest statement of the lineage's log
 * that has reached the member (the log's seq only grows); the primary's calculation time is the epoch, as in AWS;
 * feedback_epoch and feedback_xmin (MySQL's OLDEST_READ_VIEW_TRX_ID) are not simulated: 0.
 */
export function globalStatusSetting(
  members: GlobalStatusMember[],
  log: LogEntry[],
  lineage: DataLineage,
  at: number,
): string {
  const rows = members.map((member) => ({
    aws_region: member.region,
    highest_lsn_written:
      log.findLast((entry) => entry.at <= member.through && !isLost(entry, lineage.losses))?.seq ?? 0,
    durability_lag_in_msec: member.lagMs,
    rpo_lag_in_msec: member.lagMs,
    last_lag_calculation_time: new Date(member.lagMs < 0 ? 0 : at).toISOString(),
    feedback_epoch: 0,
    feedback_xmin: 0,
  }))
  return JSON.stringify(rows)
}
