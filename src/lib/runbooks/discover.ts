import type {AwsPorts} from '../aws/ports.js'
import type {Check} from '../checks/check.js'
import type {Readiness} from '../checks/gates.js'
import {configWarnings} from '../config/load.js'
import {type DiscoveredConfig, type DiscoverOptions, discoverConfig} from '../topology/discover/discover.js'
import {statusReport} from './status.js'

// `drctl config init --discover`: read the account, write drctl.yaml from it, then judge that file as `drctl config
// validate` and `drctl status` would, so that the first thing a new user reads is what the file still lacks.

/** What `config validate` and `status` say of a discovered file. */
export interface DiscoveredFileChecks {
  /** The file parses (discovery refuses to write one that does not); these are its Region warnings. */
  validation: {valid: true; warnings: string[]}
  status: {ok: number; warn: number; fail: number; problems: Check[]; readiness: Readiness[]}
}

export interface CheckedDiscovery extends DiscoveredConfig {
  /** Absent when nothing was found in a Region: no file is written, so nothing is checked. */
  checks?: DiscoveredFileChecks
}

/**
 * Discovers the account's topology, then, when every Region holds something, validates and observes the file. Its
 * header says which command wrote it, and when.
 */
export async function discoverAndCheck(
  aws: AwsPorts,
  options: DiscoverOptions & {name: string; profile?: string; now: Date},
): Promise<CheckedDiscovery> {
  const command = `drctl config init --discover --regions ${options.regions.join(',')}`
  const header = [`drctl.yaml — written by \`${command}\` on ${options.now.toISOString().slice(0, 10)}.`]
  const discovered = await discoverConfig(aws, {...options, header})
  if (discovered.discovery.empty.length > 0) return discovered
  const {config} = discovered.file
  const report = await statusReport(config, aws, {emit: options.emit})
  const count = (status: Check['status']) => report.checks.filter((check) => check.status === status).length
  return {
    ...discovered,
    checks: {
      validation: {valid: true, warnings: configWarnings(config)},
      status: {
        ok: count('ok'),
        warn: count('warn'),
        fail: count('fail'),
        problems: report.checks.filter((check) => check.status !== 'ok'),
        readiness: report.readiness,
      },
    },
  }
}
