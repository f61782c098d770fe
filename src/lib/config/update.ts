import {access, readFile, rename, writeFile} from 'node:fs/promises'

import {parseDocument} from 'yaml'

import {parseConfig} from './load.js'
import type {DrctlConfig, SafetyRuleConfig} from './schema.js'

/**
 * Edits drctl.yaml in place, keeping its comments and layout: the edit is applied to the YAML document, the
 * result is validated, and only a valid file replaces the old one (atomically).
 */
export async function updateConfigFile(
  path: string,
  edit: (set: (keyPath: (string | number)[], value: unknown) => void) => void,
): Promise<DrctlConfig> {
  const text = await readFile(path, 'utf8')
  const document = parseDocument(text)
  edit((keyPath, value) => document.setIn(keyPath, document.createNode(value, {flow: isFlowFriendly(value)})))
  const updated = document.toString({lineWidth: 0})
  const config = parseConfig(updated, path)
  await replaceFile(path, updated)
  return config
}

/** What `drctl routing endpoints --save` caches, so that DR never depends on the ARC control plane's Region. */
export interface ArcCache {
  endpoints: NonNullable<DrctlConfig['arc']>['endpoints']
  controlPanelArn?: string
  /** Per Region; a single ARN is written as a string. */
  routingControls: Record<string, string[]>
  /** The control panel's safety rules; left as they are when undefined. */
  safetyRules?: SafetyRuleConfig[]
}

/** Caches what was read from the ARC control plane in drctl.yaml's arc: section (comments kept). */
export async function cacheArcSettings(path: string, cache: ArcCache): Promise<void> {
  const {routingControls, ...settings} = arcSettingsOf(cache)
  await updateConfigFile(path, (set) => {
    for (const [key, value] of Object.entries(settings)) set(['arc', key], value)
    // Per Region: a Region the control plane names nothing for keeps what the file says.
    for (const [region, arns] of Object.entries(routingControls)) set(['arc', 'routingControls', region], arns)
  })
}

/** The arc: keys a cache sets, as drctl.yaml holds them: one routing control of a Region is written as a string. */
export function arcSettingsOf(cache: ArcCache) {
  return {
    ...(cache.controlPanelArn ? {controlPanelArn: cache.controlPanelArn} : {}),
    endpoints: cache.endpoints,
    routingControls: Object.fromEntries(
      Object.entries(cache.routingControls).map(([region, arns]) => [region, arns.length === 1 ? arns[0] : arns]),
    ),
    ...(cache.safetyRules ? {safetyRules: cache.safetyRules} : {}),
  }
}

/** Writes through a temporary file and a rename, so a reader sees the old file or the new, never half of one. */
export async function replaceFile(path: string, text: string): Promise<boolean> {
  const existed = await access(path).then(
    () => true,
    () => false,
  )
  const temporary = `${path}.drctl-tmp`
  await writeFile(temporary, text)
  await rename(temporary, path)
  return existed
}

/** Short lists of scalars and small records read best on one line, like the rest of drctl.yaml. */
export function isFlowFriendly(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false
  const entries = Array.isArray(value) ? value : Object.values(value)
  return entries.every((entry) => entry === null || typeof entry !== 'object') && JSON.stringify(value).length < 80
}
