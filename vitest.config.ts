import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    disableConsoleIntercept: true,
    restoreMocks: true,
    // The end-to-end files mostly wait on CLI subprocesses: run more files than cores at once.
    maxWorkers: 4,
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
})
