import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {choiceListFlag, regionListFlag} from '../../lib/cli/flags.js'
import {discoveryResult, nothingFoundError, renderDiscovery, renderNextSteps} from '../../lib/cli/render-discovery.js'
import {type Style, symbols} from '../../lib/cli/style.js'
import {DISCOVERED_SECTIONS, discoveryTopology} from '../../lib/config/discovered.js'
import {EXAMPLE_CONFIG, refuseExistingConfig, writeExampleConfig, writeNewConfig} from '../../lib/config/example.js'
import {configWarnings, resolveConfigPath} from '../../lib/config/load.js'
import {DrctlError} from '../../lib/core/errors.js'
import {discoverConfig} from '../../lib/topology/discover/discover.js'

export default class ConfigInit extends BaseCommand<typeof ConfigInit> {
  private discoveredResult?: ReturnType<typeof discoveryResult>

  static override summary = 'Write an annotated drctl.yaml: an example to edit, or (--discover) read from your account.'
  static override description = `Without --discover, writes an example topology file, every section present and every key explained, to --config, $DRCTL_CONFIG or ./drctl.yaml. Its account, ARNs, names and Regions are placeholders: replace them with your own, let \`drctl routing endpoints --save\` fill the ARC endpoints and safety rules from the control plane, then check the file with \`drctl config validate\`. Makes no AWS call.

With --discover --regions R1,R2[,R3], reads the account instead (read-only, every service at once, a few calls at a time per service and Region): Aurora global clusters with a member in those Regions and cross-Region binlog replicas, DynamoDB global tables with a replica there, the ARC cluster and control panel whose routing controls are named after the Regions (endpoints, routing controls and safety rules cached as \`routing endpoints --save\` does), FIS templates that target those resources, and the CloudFormation stacks their aws:cloudformation:stack-name tags name. It prints what it found and what it skipped (a service it may not read is skipped with the missing IAM action; the rest is still written), validates the file and says what is missing. A Region in which nothing is found exits 3 and writes nothing. --only narrows what is read and written.

An existing file is never overwritten without --force.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --print > staging.yaml',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2 --name retail',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2,eu-west-1 --only aurora,dynamodb --print',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2 --config prod/drctl.yaml --force',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2 --sandbox --print',
  ]
  static override flags = {
    force: Flags.boolean({summary: 'Replace the file if it exists.'}),
    print: Flags.boolean({
      summary: 'Write the file to stdout instead (the table goes to stderr).',
      exclusive: ['force'],
    }),
    discover: Flags.boolean({summary: 'Read the topology from the AWS account (read-only).', dependsOn: ['regions']}),
    regions: regionListFlag({
      summary: 'The Regions to discover, home first (with --discover).',
      dependsOn: ['discover'],
    }),
    only: choiceListFlag(DISCOVERED_SECTIONS)({
      summary: 'Read and write only these sections (with --discover).',
      dependsOn: ['discover'],
    }),
    name: Flags.string({
      helpValue: 'NAME',
      summary: 'The topology name written to the file (with --discover; default dr).',
      dependsOn: ['discover'],
    }),
  }

  async run() {
    if (this.flags.discover) return this.discover(this.flags.regions!.split(','))
    if (this.flags.sandbox) {
      throw new DrctlError('DRCTL_USAGE', 'the sandbox keeps its own drctl.yaml; config init writes yours', {
        hints: ['drctl config show --sandbox prints the sandbox topology; --discover --sandbox reads its world'],
      })
    }
    if (this.flags.print) {
      this.out(EXAMPLE_CONFIG.trimEnd())
      return {example: EXAMPLE_CONFIG}
    }
    const path = resolveConfigPath(this.flags.config)
    const {overwritten} = await writeExampleConfig(path, {force: this.flags.force})
    this.out(
      `${this.style.green(symbols.ok)} ${overwritten ? 'replaced' : 'wrote'} ${path}: an annotated example topology`,
    )
    const next = [
      'replace the placeholder account, ARNs, names and Regions with your own',
      'drctl routing endpoints --save   (ARC endpoints, routing controls and safety rules from the control plane)',
      'drctl config validate            (every problem listed by path)',
      'drctl status                     (the live posture)',
    ]
    this.out(next.map((step, index) => `  ${index + 1}. ${step}`).join('\n'))
    return {path, written: true, overwritten, next}
  }

  private async discover(regions: string[]) {
    const topology = discoveryTopology(this.flags.name ?? 'dr', regions)
    for (const warning of configWarnings(topology)) this.note(`--regions: ${warning.replace(/^regions\[\d+\]: /, '')}`)
    const path = resolveConfigPath(this.flags.config)
    if (!this.flags.print) await refuseExistingConfig(path, {force: this.flags.force})
    const aws = await this.awsSession(topology, {readOnly: true})
    const command = `drctl config init --discover --regions ${regions.join(',')}`
    const discovered = await discoverConfig(aws, {
      name: topology.name,
      profile: this.flags.sandbox ? undefined : this.flags.profile,
      regions,
      sections: this.flags.only ?? [...DISCOVERED_SECTIONS],
      clock: await this.clock(),
      emit: this.progress().listener,
      header: [`drctl.yaml — written by \`${command}\` on ${new Date().toISOString().slice(0, 10)}.`],
    })
    this.progress().stop()
    const print = (text: string) => (this.flags.print ? this.outBeside(text) : this.out(text))
    this.discoveredResult = discoveryResult(discovered, {})
    if (discovered.discovery.empty.length > 0) throw nothingFoundError(discovered.discovery, this.discoveredResult)
    print(renderDiscovery(discovered.discovery, this.style))
    if (this.flags.print) {
      this.out(discovered.file.text.trimEnd())
      print(renderNextSteps(discovered, this.style))
      return this.discoveredResult
    }
    const {overwritten} = await writeNewConfig(path, discovered.file.text, {force: this.flags.force})
    print(`\n${this.style.green(symbols.ok)} ${overwritten ? 'replaced' : 'wrote'} ${path}`)
    print(renderNextSteps(discovered, this.style))
    return discoveryResult(discovered, {path, overwritten})
  }

  /** Nothing found in a Region: the table still shows what was found elsewhere and what was skipped. */
  protected override async renderFailureResult(): Promise<void> {
    const result = this.discoveredResult
    if (result) this.outBeside(renderDiscovery(result, this.style))
  }

  /** Nothing found is a finding about the account, not an error of drctl's: no "Error:" label. */
  protected override failureHeadline(failure: DrctlError, style: Style): string {
    if (failure.code !== 'DRCTL_CHECKS_FAILED') return super.failureHeadline(failure, style)
    return `${style.red(symbols.fail)} ${failure.message}`
  }
}
