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
  await updateConfigFile(path, (set) => {
    set(['arc', 'endpoints'], cache.endpoints)
    if (cache.controlPanelArn) set(['arc', 'controlPanelArn'], cache.controlPanelArn)
    for (const [region, arns] of Object.entries(cache.routingControls)) {
      set(['arc', 'routingControls', region], arns.length === 1 ? arns[0] : arns)
    }
    if (cache.safetyRules) set(['arc', 'safetyRules'], cache.safetyRules)
  })
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
