import {access, readFile, rename, writeFile} from 'node:fs/promises'

import {parseDocument} from 'yaml'

import {parseConfig} from './load.js'
import type {DrctlConfig} from './schema.js'

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
function isFlowFriendly(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false
  const entries = Array.isArray(value) ? value : Object.values(value)
  return entries.every((entry) => entry === null || typeof entry !== 'object') && JSON.stringify(value).length < 80
}
