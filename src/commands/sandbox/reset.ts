import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP, SANDBOX_HOME_HELP} from '../../lib/cli/base-command.js'
import {regionListFlag, timeScaleFlag} from '../../lib/cli/flags.js'
import {symbols} from '../../lib/cli/style.js'
import {DEFAULT_SCENARIO, DEFAULT_TIME_SCALE, resetSandbox, SCALE_LIMITS, SCENARIOS} from '../../lib/sandbox/index.js'

export default class SandboxReset extends BaseCommand<typeof SandboxReset> {
  static override summary = 'Start a fresh sandbox world from a scenario.'
  static override description = `Replaces the sandbox world (even a corrupt one) with a fresh copy of a scenario, writes the scenario's drctl.yaml next to it (used by --sandbox when no --config is given) and empties the call log. Faults are cleared.

Scenarios:
  two-region    us-east-1 primary, us-west-2 secondary: Aurora global clusters orders-global
                (aurora-postgresql) and catalog-global (aurora-mysql), DynamoDB global table carts,
                an ARC cluster with one routing control per Region and an "at least one On" rule,
                two FIS templates, a CloudFormation stack per Region
  three-region  the same across us-east-1, us-west-2 and eu-west-1, plus a cross-Region binlog
                read replica cluster (reports-euw1)
  scale         --global-clusters N (default ${SCALE_LIMITS.globalClusters.default}, at most ${SCALE_LIMITS.globalClusters.max}) PostgreSQL global clusters
                orders-001-global… across --regions (default ${SCALE_LIMITS.regions.default.join(',')}; ${SCALE_LIMITS.regions.min} to ${SCALE_LIMITS.regions.max}),
                for status and waits at scale (bench/scale.ts)
  api-cloudfront  two-region plus an API behind CloudFront (origin per Region), an RDS Proxy per Region
                and an approval before anything moves, as application steps
  dns-ecs       two-region plus a Route 53 writer CNAME, the global cluster's name in an SSM parameter
                and ECS services redeployed after the DNS change
  accelerator   two-region plus Global Accelerator traffic dials and a Lambda custom action
  mrsc          two-region with carts strongly consistent across Regions (MRSC), witness in eu-west-1
  capacity-gap  two-region with 1 orders instance in us-west-2 behind 4 in us-east-1, carts provisioned in us-east-1 only

--time-scale sets how fast operations that take time in AWS complete: 1 is realistic (a switchover takes about a minute), ${DEFAULT_TIME_SCALE} is the default, 0.01 suits tests.

${SANDBOX_HOME_HELP}

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --scenario three-region',
    '<%= config.bin %> <%= command.id %> --time-scale 1',
    '<%= config.bin %> <%= command.id %> --time-scale 0.01 --json',
    '<%= config.bin %> <%= command.id %> --scenario scale --global-clusters 100 --regions us-east-1,us-west-2,eu-west-1',
    '<%= config.bin %> <%= command.id %> --scenario api-cloudfront',
  ]
  static override flags = {
    scenario: Flags.string({
      summary: 'The scenario to start from.',
      options: [...SCENARIOS],
      default: DEFAULT_SCENARIO,
    }),
    'global-clusters': Flags.integer({
      summary: `Global clusters of the scale scenario (${SCALE_LIMITS.globalClusters.min}–${SCALE_LIMITS.globalClusters.max}).`,
      helpValue: 'N',
    }),
    regions: regionListFlag({
      summary: `Regions of the scale scenario, comma-separated (${SCALE_LIMITS.regions.min} to ${SCALE_LIMITS.regions.max}).`,
    }),
    'time-scale': timeScaleFlag({
      summary: `How fast time-taking operations complete: 1 = realistic, 0.01 = tests (default ${DEFAULT_TIME_SCALE}).`,
    }),
  }

  async run() {
    const result = await resetSandbox({
      home: this.sandboxHome(),
      scenario: this.flags.scenario,
      timeScale: this.flags['time-scale'],
      size: {globalClusters: this.flags['global-clusters'], regions: this.flags.regions?.split(',')},
    })
    const switchover = result.switchoverSeconds
    this.out(
      `${this.style.green(symbols.ok)} Sandbox reset: scenario ${result.scenario} (${result.regions.join(', ')}), time scale ${result.timeScale} (a switchover takes about ${switchover < 10 ? switchover.toFixed(1) : Math.round(switchover)}s)`,
    )
    this.out(
      `  world    ${result.worldPath}\n  config   ${result.configPath}\n  calls    ${result.callLogPath}\n  try      ${this.config.bin} status --sandbox`,
    )
    const {scenario, timeScale, regions, worldPath, configPath, callLogPath, resources} = result
    return {scenario, timeScale, regions, worldPath, configPath, callLogPath, resources}
  }
}
