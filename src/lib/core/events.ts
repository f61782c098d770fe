/**
 * Library code never prints: it reports progress through these events, and renderers in cli/ (spinner, plain
 * lines, nothing for --json) or the run journal turn them into output.
 */
export type ProgressEvent =
  | {type: 'task-start'; id: string; title: string}
  | {type: 'task-update'; id: string; message: string}
  | {type: 'task-end'; id: string; status: 'done' | 'skipped' | 'failed' | 'deferred'; message?: string}
  | {type: 'info'; message: string}
  | {type: 'warning'; message: string}

export type ProgressListener = (event: ProgressEvent) => void
