import {Args} from '@oclif/core'

import {EXIT_CODES_HELP} from '../../lib/cli/base-command.js'
import {RunbookCommand} from '../../lib/cli/runbook-command.js'
import {symbols} from '../../lib/cli/style.js'
import {listsGlobalCluster, renameGlobalClusterInConfig} from '../../lib/config/rename-global.js'
import {interactiveTerminal} from '../../lib/cli/prompter.js'
import {planRename, validateGlobalClusterName} from '../../lib/runbooks/rename.js'
import {observe} from '../../lib/topology/observe.js'

export default class AuroraRenameGlobal extends RunbookCommand<typeof AuroraRenameGlobal> {
  static override summary = 'Rename an Aurora global cluster in place (ModifyGlobalCluster).'
  static override description = `Validates the new name against the RDS identifier rules (1–63 letters, digits or hyphens, a letter first, no double or trailing hyphen; stored lowercase) and checks that no global cluster has it already. Renaming a live global cluster changes its global writer endpoint's host name: drctl warns, and asks you to type the new name (or --yes). A journaled run; afterwards drctl offers to update drctl.yaml (with --yes it does).

${EXIT_CODES_HELP}`
  static override examples = [
    '<%= config.bin %> <%= command.id %> orders-global orders-global-2 --dry-run',
    '<%= config.bin %> <%= command.id %> orders-global orders-global-2',
    '<%= config.bin %> <%= command.id %> orders-global orders-global-2 --yes --json',
  ]
  static override args = {
    current: Args.string({description: 'The global cluster to rename.', required: true}),
    new: Args.string({description: 'Its new identifier.', required: true}),
  }

  async run() {
    validateGlobalClusterName(this.args.new)
    const {path: configPath, config} = await this.loadConfig()
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const plan = await planRename(config, aws, this.args.current, this.args.new)
    const result = await this.execute(plan, {
      config,
      configPath,
      aws,
      observe: () => observe(config, aws, {parts: ['aurora']}),
      flags: {current: this.args.current, new: this.args.new},
    })
    if (this.flags['dry-run'] || !listsGlobalCluster(config, this.args.current)) return result
    const [current, renamed] = [this.args.current.toLowerCase(), this.args.new.toLowerCase()]
    const update =
      this.flags.yes ||
      (interactiveTerminal(this.jsonEnabled()) &&
        (await this.prompter(false).confirm(`Update ${configPath}: ${current} → ${renamed}?`)))
    if (update) {
      await renameGlobalClusterInConfig(configPath, config, current, renamed)
      this.out(`${this.style.green(symbols.ok)} ${configPath} now lists ${renamed}`)
    } else {
      this.note(`${configPath} still lists ${current}: update aurora.globalClusters to ${renamed}`)
    }
    return {...result, configUpdated: update}
  }
}
