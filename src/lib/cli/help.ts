import {Help, type Interfaces} from '@oclif/core'

/** An example on a topic page, kept with the topic in package.json (oclif.topics.NAME.examples). */
interface TopicExample {
  description: string
  command: string
}

/**
 * oclif's help, with examples on topic pages (`drctl routing`, `drctl routing --help`, `drctl help routing`): oclif
 * gives a topic only a description, and a topic is where an operator lands first.
 */
export default class DrctlHelp extends Help {
  /** Help for a mistyped command (`drctl statsu --help`) answers as the command would: did you mean …?, exit 2. */
  override async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      if (!(error instanceof Error && /^Command .+ not found\.$/.test(error.message))) throw error
      const words = argv.filter((arg) => !arg.startsWith('-'))
      await this.config.runHook('command_not_found', {id: words.join(':'), argv: []})
      throw error
    }
  }

  protected override async showTopicHelp(topic: Interfaces.Topic): Promise<void> {
    await super.showTopicHelp(topic)
    const examples = (topic as Interfaces.Topic & {examples?: TopicExample[]}).examples ?? []
    if (examples.length === 0) return
    const body = examples
      .map(({description, command}) => `${this.wrap(description, 2)}\n\n${this.indent(`$ ${this.render(command)}`, 4)}`)
      .join('\n\n')
    this.log(`${this.section('EXAMPLES', body)}\n`)
  }
}
