// oclif writes commands in the order the file system lists them, which differs between machines: sort them, so
// that the committed manifest can be compared with a fresh one byte for byte.
import {readFileSync, writeFileSync} from 'node:fs'

const path = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(path, 'utf8'))
manifest.commands = Object.fromEntries(Object.entries(manifest.commands).sort(([a], [b]) => a.localeCompare(b)))
writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`)
