import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../lib/cli/base-command.js'
import {
  ARC_CONTROL_PLANE_REGION,
  ensureWorld,
  loadPolicy,
  SANDBOX_CREDENTIALS,
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
    const env = {
      AWS_ENDPOINT_URL: server.endpoint,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
      AWS_REGION: world.regions[0] ?? 'us-east-1',
      // The AWS CLI and boto3 read the default Region from here rather than AWS_REGION.
      AWS_DEFAULT_REGION: world.regions[0] ?? 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    }
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
      this.out(`# drctl sandbox: scenario ${world.scenario}, time scale ${world.timeScale}, world ${result.world}`)
      for (const [name, value] of Object.entries(env)) this.out(`export ${name}=${value}`)
      this.out('# ARC cluster endpoints (route53-recovery-cluster; sign each call for its Region):')
      for (const endpoint of result.arcEndpoints) this.out(`#   ${endpoint.region.padEnd(15)} ${endpoint.url}`)
      this.out(
        `# The ARC control-plane client ignores AWS_ENDPOINT_URL: pass endpoint ${server.endpoint} and Region ${ARC_CONTROL_PLANE_REGION}.`,
      )
      this.out('# AWS CLI v1 overrides AWS_ENDPOINT_URL for rds in us-east-1: pass --endpoint-url there.')
      this.out(
        '# Route 53 and CloudFront answer a call signed for any Region (their control plane is us-east-1); Global Accelerator only us-west-2.',
      )
      if (policyPath) this.out(`# Every call is judged against the IAM policy in ${policyPath}.`)
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
