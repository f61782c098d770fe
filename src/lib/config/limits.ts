/**
 * Ceilings of the values that relax a gate or lengthen a wait, in drctl.yaml and on the command line. Above them a
 * value no longer tunes a safety but switches it off (or overflows a timer), so it is refused (exit 2) with the
 * ceiling named. README ("Limits") and each flag's help list them.
 */
export const LIMITS = {
  /**
   * --max-lag and gates.maxReplicationLagMs. A planned switchover pauses writes until the target has caught up, and
   * drctl waits 30 minutes for it before stopping (resumable): two hours of lag is four such waits. More is not lag
   * to wait out but replication that is broken.
   */
  maxReplicationLagMs: 2 * 3_600_000,
  /** status --timeout and aws.callTimeoutMs: one AWS API call, which answers in seconds when its Region is healthy. */
  callTimeoutMs: 2 * 60_000,
  /** aws.connectTimeoutMs and aws.arcEndpointTimeoutMs: opening a connection, trying one ARC cluster endpoint. */
  connectTimeoutMs: 60_000,
  /** status --watch: the refresh interval, in seconds. */
  watchSeconds: 3600,
} as const
