import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {symbols} from '../../lib/cli/style.js'
import {summarizeConfig} from '../../lib/config/summary.js'

export default class ConfigValidate extends BaseCommand<typeof ConfigValidate> {
  static override summary = 'Check drctl.yaml and list every problem by path.'
  static override description = `Validates the topology file without calling AWS: shape and types, unknown keys (with a "did you mean"), Region names and ARNs, duplicate Regions and Regions used but not listed. Exits 0 when the file is valid and 2 when it is not.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --config prod/drctl.yaml',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  async run() {
    const {path, config} = await this.loadConfig()
    const summary = summarizeConfig(config)
    this.out(`${this.style.green(symbols.ok)} ${path} is valid`)
    this.out(`  ${summary.text}`)
    return {path, valid: true, summary: summary.counts}
  }
}
