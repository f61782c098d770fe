import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {choiceListFlag, regionListFlag} from '../../lib/cli/flags.js'
import * as render from '../../lib/cli/render-discovery.js'
import {type Style, symbols} from '../../lib/cli/style.js'
import {DISCOVERED_SECTIONS, discoveryTopology} from '../../lib/config/discovered.js'
import * as example from '../../lib/config/example.js'
import {configWarnings, resolveConfigPath} from '../../lib/config/load.js'
import type {DrctlError} from '../../lib/core/errors.js'
import {discoverAndCheck} from '../../lib/runbooks/discover.js'

export default class ConfigInit extends BaseCommand<typeof ConfigInit> {
  private discoveredResult?: ReturnType<typeof render.discoveryResult>

  static override summary = 'Write an annotated drctl.yaml: an example to edit, or (--discover) read from your account.'
  static override description = `Without --discover, writes an example topology file, every section present and every key explained, to --config, $DRCTL_CONFIG or ./drctl.yaml, with placeholders to replace. Makes no AWS call.

With --discover --regions R1,R2[,R3], reads the account instead (read-only, every service at once, a few calls at a time per service and Region): Aurora global clusters and cross-Region binlog replicas, DynamoDB global tables, the ARC cluster and control panel whose routing controls are named after the Regions (cached as \`routing endpoints --save\` does), FIS templates that target those resources, the CloudFormation stacks their aws:cloudformation:stack-name tags name, and the application steps it can recognise. It prints what it found and what it skipped and why (a service it may not read is skipped with the missing IAM action), then checks the file as \`config validate\` and \`status\` do and says what is missing. A Region in which nothing is found exits 3 and writes nothing. --only narrows what is read and written. An existing file is never overwritten without --force.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2 --name retail',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2,eu-west-1 --only aurora,dynamodb --print',
    '<%= config.bin %> <%= command.id %> --discover --regions us-east-1,us-west-2 --sandbox --print',
  ]
  static override flags = {
    force: Flags.boolean({summary: 'Replace the file if it exists.'}),
    print: Flags.boolean({summary: 'Write the file to stdout (the table to stderr).', exclusive: ['force']}),
    discover: Flags.boolean({summary: 'Read the topology from the AWS account (read-only).', dependsOn: ['regions']}),
    regions: regionListFlag({summary: 'The Regions to discover, home first.', dependsOn: ['discover']}),
    only: choiceListFlag(DISCOVERED_SECTIONS)({
      summary: 'Read and write only these sections (with --discover).',
      dependsOn: ['discover'],
    }),
    name: Flags.string({
      helpValue: 'NAME',
      summary: 'The topology name (with --discover; default dr).',
      dependsOn: ['discover'],
    }),
  }

  async run() {
    if (this.flags.discover) return this.discover(this.flags.regions!.split(','))
    if (this.flags.sandbox) throw render.sandboxExampleError()
    if (this.flags.print) {
      this.out(example.EXAMPLE_CONFIG.trimEnd())
      return {example: example.EXAMPLE_CONFIG}
    }
    const written = await example.writeExampleConfig(resolveConfigPath(this.flags.config), {force: this.flags.force})
    this.out(render.renderExampleWritten(written, this.style))
    return written
  }

  private async discover(regions: string[]) {
    const topology = discoveryTopology(this.flags.name ?? 'dr', regions)
    for (const warning of configWarnings(topology)) this.note(`--regions: ${warning.replace(/^regions\[\d+\]: /, '')}`)
    const path = this.flags.print ? undefined : resolveConfigPath(this.flags.config)
    if (path) await example.refuseExistingConfig(path, {force: this.flags.force})
    const discovered = await discoverAndCheck(await this.awsSession(topology, {readOnly: true}), {
      name: topology.name,
      profile: this.flags.sandbox ? undefined : this.flags.profile,
      regions,
      sections: this.flags.only ?? [...DISCOVERED_SECTIONS],
      clock: await this.clock(),
      emit: this.progress().listener,
      now: new Date(),
    })
    this.progress().stop()
    this.discoveredResult = render.discoveryResult(discovered, {})
    if (discovered.discovery.empty.length > 0)
      throw render.nothingFoundError(discovered.discovery, this.discoveredResult)
    const print = (text: string) => (path ? this.out(text) : this.outBeside(text))
    print(render.renderDiscovery(discovered.discovery, this.style))
    if (!path) this.out(discovered.file.text.trimEnd())
    const written = path && (await example.writeNewConfig(path, discovered.file.text, {force: this.flags.force}))
    if (written) print(`\n${this.style.green(symbols.ok)} ${written.overwritten ? 'replaced' : 'wrote'} ${path}`)
    print(render.renderNextSteps(discovered, this.style))
    return written
      ? render.discoveryResult(discovered, {path, overwritten: written.overwritten})
      : this.discoveredResult
  }

  /** Nothing found in a Region: the table still shows what was found elsewhere and what was skipped. */
  protected override async renderFailureResult(): Promise<void> {
    if (this.discoveredResult) this.outBeside(render.renderDiscovery(this.discoveredResult, this.style))
  }

  /** Nothing found is a finding about the account, not an error of drctl's: no "Error:" label. */
  protected override failureHeadline(failure: DrctlError, style: Style): string {
    if (failure.code !== 'DRCTL_CHECKS_FAILED') return super.failureHeadline(failure, style)
    return `${style.red(symbols.fail)} ${failure.message}`
  }
}
