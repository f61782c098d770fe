import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../lib/cli/base-command.js'
import {serveBanner} from '../../lib/cli/render-sandbox.js'
import {
  ARC_CONTROL_PLANE_REGION,
  ensureWorld,
  loadPolicy,
  sandboxClientEnv,
  sandboxPaths,
  startSandboxServer,
} from '../../lib/sandbox/index.js'

export default class SandboxServe extends BaseCommand<typeof SandboxServe> {
  private announced = false

  static override summary = 'Run the simulator stand-alone, for any AWS SDK or the AWS CLI.'
  static override description = `Serves the sandbox world on 127.0.0.1 until Ctrl-C (or SIGTERM), then exits 0. It prints the environment variables that point an AWS SDK or the AWS CLI at it (dummy credentials; the Region only picks the default), and the URLs of the ARC cluster's five endpoints, which DescribeCluster also returns.

Every Region and service is served on the one port, routed on the SigV4 credential scope of each request; the ARC control plane answers only for us-west-2, the ARC data plane only on its endpoint URLs. Faults switched on from another terminal apply within half a second. With --json, one JSON document is printed once the server listens.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --port 4566',
    '<%= config.bin %> iam policy --role operator > operator.json && <%= config.bin %> <%= command.id %> --enforce-iam operator.json',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.result.env | to_entries[] | "export \\(.key)=\\(.value)"\'',
  ]
  static override flags = {
    port: Flags.integer({summary: 'Port to listen on (default: any free port).', min: 1, max: 65_535}),
    'enforce-iam': Flags.string({
      summary: 'Judge every call against this IAM policy file; refuse what it does not allow, as AWS would.',
      description:
        'The file holds one policy document, a list of them, or the output of drctl iam policy --json. drctl run with --sandbox honours $DRCTL_SANDBOX_POLICY the same way.',
      helpValue: 'POLICY.json',
    }),
  }

  async run() {
    const home = this.sandboxHome()
    const world = await ensureWorld(home)
    const policyPath = this.flags['enforce-iam']
    const policy = policyPath === undefined ? undefined : loadPolicy(policyPath)
    const server = await startSandboxServer({home, port: this.flags.port, externalArcUrls: true, policy})
    const env = sandboxClientEnv(server.endpoint, world.regions)
    const result = {
      endpoint: server.endpoint,
      port: server.port,
      env,
      arcEndpoints: server.arcEndpoints().map(({region, url, canonicalUrl}) => ({region, url, canonicalUrl})),
      arcControlPlane: {endpoint: server.endpoint, region: ARC_CONTROL_PLANE_REGION},
      world: sandboxPaths(home).world,
      scenario: world.scenario,
      timeScale: world.timeScale,
      enforcedPolicy: policyPath ?? null,
    }
    if (this.jsonEnabled()) {
      this.logJson(this.toSuccessJson(result))
      this.announced = true
    } else {
      this.out(serveBanner(result, world, policyPath))
      this.out('# Serving until Ctrl-C.')
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop)
        process.off('SIGTERM', stop)
        resolve()
      }
      process.on('SIGINT', stop)
      process.on('SIGTERM', stop)
    })
    await server.close()
    return result
  }

  /** With --json the document was printed when the server started listening: print nothing more at exit. */
  protected override logJson(json: unknown): void {
    if (!this.announced) super.logJson(json)
  }
}
