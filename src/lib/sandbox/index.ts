/**
 * The sandbox: a local simulator of the AWS APIs drctl uses (design.md §6). This module is its public face for
 * the rest of drctl; nothing else in lib/ may import sandbox internals, and the sandbox imports nothing from lib/.
 */

export interface InProcessSandbox {
  /** Base URL of the loopback server that serves every service and Region (routing on the SigV4 scope). */
  readonly endpoint: string
  /** Maps an ARC cluster endpoint URL (as DescribeCluster returned it, possibly cached in an earlier process) to the live listener. */
  arcEndpointUrl(url: string): string
  /** The world's time factor: 1 = realistic, 0.01 = tests. drctl scales its polling by it. */
  readonly timeScale: number
  /** The scenario's own drctl.yaml, used when no --config is given. */
  readonly configPath: string
  close(): Promise<void>
}

export interface StartOptions {
  /** $DRCTL_HOME: the world lives in `<home>/sandbox/`. */
  home: string
}

/** Starts the simulator on loopback for this process, creating the default world on first use. */
export async function startInProcessSandbox(_options: StartOptions): Promise<InProcessSandbox> {
  throw new Error('the sandbox is not built yet')
}
