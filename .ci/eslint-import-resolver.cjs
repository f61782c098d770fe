// An import resolver (eslint-module-utils interface v2) for the layer rules in eslint.config.js. Our sources are
// Node16 ESM: a relative import names the compiled `.js` file, and the file on disk is its `.ts` source.
// Packages and Node built-ins need no path: the layer rules judge them by name.
const {existsSync} = require('node:fs')
const {isBuiltin} = require('node:module')
const {dirname, resolve} = require('node:path')

exports.interfaceVersion = 2

exports.resolve = (source, file) => {
  if (isBuiltin(source)) return {found: true, path: null}
  if (!source.startsWith('.')) return {found: false}
  const target = resolve(dirname(file), source)
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, resolve(target, 'index.ts')]
  const path = candidates.find((candidate) => existsSync(candidate))
  return path ? {found: true, path} : {found: false}
}
