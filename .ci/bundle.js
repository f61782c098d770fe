// Bundles the compiled commands so that a command loads a few files instead of ~900: Node spends most of a
// short command's time resolving and compiling modules (status --sandbox: ~1 s, ~0.3 s bundled). Each command stays
// its own entry (oclif loads only the one it runs); code they share goes into chunks. @oclif/core stays outside:
// bin/run.js and the plugins must share its one copy.
import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'

import {build} from 'esbuild'

const dist = new URL('../dist/', import.meta.url).pathname
const filesUnder = (dir) =>
  readdirSync(dir, {withFileTypes: true}).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  )

await build({
  entryPoints: [
    ...filesUnder(join(dist, 'commands')),
    join(dist, 'lib/cli/help.js'),
    join(dist, 'lib/cli/command-not-found.js'),
  ],
  outbase: dist,
  outdir: join(dist, 'bundle'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The SDK's ES module builds, so that only the commands drctl sends are kept.
  mainFields: ['module', 'main'],
  // PGlite finds its WebAssembly and data files next to its own module: it must stay where npm put it.
  external: ['@oclif/core', '@electric-sql/pglite'],
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "import {createRequire as __drctlRequire} from 'node:module'; const require = __drctlRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
console.log(`bundled ${relative(process.cwd(), join(dist, 'bundle'))}`)
