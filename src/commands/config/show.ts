import {stringify} from 'yaml'

import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'

export default class ConfigShow extends BaseCommand<typeof ConfigShow> {
  static override summary = 'Print the resolved configuration, defaults filled in.'
  static override description = `Loads and validates drctl.yaml, then prints the configuration drctl will act on, with every default made explicit. Makes no AWS call.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json | jq .result.config.regions',
    '<%= config.bin %> <%= command.id %> --sandbox',
  ]

  async run() {
    const {path, config} = await this.loadConfig()
    this.out(`# ${path}`)
    this.out(stringify(config).trimEnd())
    return {path, config}
  }
}
