import {formatDuration} from '../core/clock.js'
import type {LagReading} from '../topology/views.js'

export function describeLag(lag: LagReading | undefined): string {
  return lag ? formatDuration(lag.ms) : 'unknown'
}

/** Switchover needs the same major and minor engine version on both sides (aws-reference §2.2). */
export function majorMinor(version: string | undefined): string | undefined {
  if (!version) return undefined
  const mysql = /mysql_aurora\.(\d+)\.(\d+)/.exec(version)
  if (mysql) return `${mysql[1]}.${mysql[2]}`
  const parts = version.split('.')
  return parts.slice(0, 2).join('.')
}
