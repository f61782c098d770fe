import {BaseCommand, EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {renderTemplateList} from '../../lib/cli/render-chaos.js'
import {listTemplates} from '../../lib/runbooks/chaos/templates.js'

export default class ChaosList extends BaseCommand<typeof ChaosList> {
  static override summary = 'List the FIS experiment templates drctl may start on this topology.'
  static override description = `Shows the templates in drctl.yaml's fis.region that carry every fis.templateTags tag (others in that Region are counted, not shown): for each, its actions with their durations and start order, its targets, its stop conditions (a template without one needs --no-stop-condition-ok to start) and its IAM role.

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --sandbox',
    "<%= config.bin %> <%= command.id %> --json | jq '.result.templates[].name'",
  ]

  async run() {
    const {config} = await this.loadConfig()
    const aws = await this.awsSession(config, {readOnly: true})
    const listing = await listTemplates(config, aws)
    this.out(renderTemplateList(listing, this.style))
    return listing
  }
}
