import js from '@eslint/js'
import boundaries from 'eslint-plugin-boundaries'
import prettier from 'eslint-config-prettier'
import {defineConfig} from 'eslint/config'
import tseslint from 'typescript-eslint'

// design.md §2, from the top: each layer may use only the layers below it. The sandbox stands beside them: it uses
// none of them, and only cli/ and the sandbox commands (src/commands/sandbox) know it exists.
const layers = [
  'commands',
  'cli',
  'iam',
  'runbooks',
  'runbook',
  'reconcile',
  'checks',
  'topology',
  'aws',
  'config',
  'core',
]

const below = (layer) => layers.slice(layers.indexOf(layer) + 1)

const libraryNeverPrints = 'library code never prints: it emits events (core/events.ts) that cli/ renders'

const layerRules = {
  plugins: {boundaries},
  settings: {
    'boundaries/elements': [
      {type: 'sandbox-commands', pattern: 'src/commands/sandbox', partialMatch: false},
      {type: 'commands', pattern: 'src/commands', partialMatch: false},
      ...layers.slice(1).map((layer) => ({type: layer, pattern: `src/lib/${layer}`, partialMatch: false})),
      {type: 'sandbox', pattern: 'src/lib/sandbox', partialMatch: false},
    ],
    'boundaries/dependency-nodes': ['import', 'dynamic-import', 'export'],
    'import/resolver': {'./.ci/eslint-import-resolver.cjs': {}},
  },
  rules: {
    'boundaries/no-unknown-files': 'error',
    'boundaries/dependencies': [
      'error',
      {
        default: 'disallow',
        checkAllOrigins: true,
        checkUnknownLocals: true,
        policies: [
          // Packages and Node built-ins are allowed, except where a policy further down says otherwise.
          {
            from: {element: {types: '*'}},
            allow: {to: {module: {origin: ['external', 'core']}}},
          },
          ...layers.map((layer) => ({
            from: {element: {type: layer}},
            allow: {to: {element: {type: below(layer)}}},
          })),
          {
            from: {element: {type: 'sandbox-commands'}},
            allow: {to: {element: {type: [...below('commands'), 'sandbox']}}},
          },
          {from: {element: {type: 'cli'}}, allow: {to: {element: {type: 'sandbox'}}}},
          {
            from: {element: {type: ['commands', 'sandbox-commands']}},
            disallow: {to: {element: {type: 'aws', fileInternalPath: '!{ports.ts,ports/*.ts}'}}},
            message: 'commands make no AWS calls: they get their AWS ports through cli/ (only aws/ports.ts, for types)',
          },
          {
            from: {element: {type: '!aws'}},
            disallow: {to: {module: {source: ['@aws-sdk/*', '@smithy/*']}}},
            message: 'only src/lib/aws talks to the AWS SDK; the rest of drctl uses its ports',
          },
          // The sandbox speaks CBOR with the SDK's own codec: a wire format, not a client of AWS.
          {from: {element: {type: 'sandbox'}}, allow: {to: {module: {source: '@smithy/core', internalPath: 'cbor'}}}},
          {
            from: {element: {type: 'checks'}},
            disallow: {to: {module: {origin: 'core'}}},
            message: 'checks are pure functions of the Topology: no Node built-ins (no I/O)',
          },
          {
            from: {element: {type: 'checks'}},
            disallow: {
              to: {element: {type: 'topology', fileInternalPath: '!{views,summary}.ts'}},
            },
            message:
              'checks judge the Topology model (topology/views.ts); observing belongs to topology/ and its callers',
          },
        ],
      },
    ],
  },
}

export default defineConfig(
  {ignores: ['dist/**', 'coverage/**', 'oclif.manifest.json', 'node_modules/**']},
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-console': 'error',
    },
  },
  {files: ['src/**/*.ts'], ...layerRules},
  {
    files: ['src/lib/**/*.ts'],
    ignores: ['src/lib/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {object: 'process', property: 'stdout', message: libraryNeverPrints},
        {object: 'process', property: 'stderr', message: libraryNeverPrints},
      ],
    },
  },
  {
    files: ['src/commands/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression > MemberExpression.callee[property.name='write'] > MemberExpression[object.name='process']",
          message: 'commands print through BaseCommand (this.out, this.note): --json keeps stdout to one document',
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', '.ci/**/*.js', 'bench/**', 'test/**', 'eslint.config.js'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
    rules: {'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off'},
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', exports: 'writable'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
  prettier,
)
