import {defineConfig} from 'vitest/config'

// Unit tests use fakes of the ports and share no process-wide state: they run in one module graph per worker, which
// imports the sources once instead of once per file. Adapter tests (aws-sdk-client-mock patches the SDK clients
// process-wide), sandbox tests (one database engine per process) and end-to-end tests stay isolated.
const UNIT = 'test/lib/**/*.test.ts'
const ADAPTERS = 'test/lib/aws/**'

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    disableConsoleIntercept: true,
    restoreMocks: true,
    // The end-to-end files mostly wait on CLI subprocesses: run more files than cores at once.
    maxWorkers: 4,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      {extends: true, test: {name: 'unit', include: [UNIT], exclude: [ADAPTERS], isolate: false}},
      {
        extends: true,
        test: {name: 'isolated', include: ['test/**/*.test.ts'], exclude: [UNIT.replace('**/*.test.ts', '!(aws)/**')]},
      },
    ],
  },
})
