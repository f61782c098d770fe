import type {Command} from '@oclif/core'
import {Flags} from '@oclif/core'

import type {AwsSession} from '../aws/session.js'
import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import {planRoutingChange} from '../runbooks/routing-change.js'
import type {DesiredControl} from '../runbooks/traffic.js'
import type {RoutingView} from '../topology/model.js'
import {arcEndpoints, observe} from '../topology/observe.js'
import {RunbookCommand} from './runbook-command.js'

export const routingChangeFlags = {
  'allow-all-off': Flags.boolean({
    summary: 'Allow a change that leaves every routing control Off (Route 53 then fails open).',
  }),
  'override-safety-rule': Flags.string({
    summary:
      'Break glass: override this safety rule (ARN; repeatable). Needs a typed confirmation or --yes; journaled.',
    multiple: true,
    helpValue: 'ARN',
  }),
}

/** Shared by `routing set` and `routing shift`: read, plan, gate, confirm, change in one batch, read back. */
export abstract class RoutingChangeCommand<T extends typeof Command> extends RunbookCommand<T> {
  protected async loadRouting(): Promise<{
    config: DrctlConfig
    configPath: string
    aws: AwsSession
    routing: RoutingView
  }> {
    const {path: configPath, config} = await this.loadConfig()
    if (!config.arc)
      throw new DrctlError('DRCTL_USAGE', `${configPath} has no arc: section`, {hints: ['see docs/drctl.example.yaml']})
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const topology = await observe(config, aws, {parts: ['routing'], emit: this.progress().listener})
    for (const warning of topology.warnings) this.note(warning)
    const routing = topology.routing as RoutingView
    if (routing.unreadable) {
      throw new DrctlError(
        'DRCTL_ARC_ENDPOINTS_FAILED',
        `routing controls could not be read: ${routing.unreadable.message}`,
        {
          hints: ['nothing was changed'],
        },
      )
    }
    return {config, configPath, aws, routing}
  }

  protected async change(
    loaded: {config: DrctlConfig; configPath: string; aws: AwsSession; routing: RoutingView},
    desired: DesiredControl[],
    description: string,
    flags: {'allow-all-off': boolean; 'override-safety-rule'?: string[]},
  ): Promise<object> {
    const overrides = flags['override-safety-rule'] ?? []
    const plan = planRoutingChange(loaded.config, loaded.routing, {
      desired,
      description,
      allowAllOff: flags['allow-all-off'],
      overrides,
      endpoints: await arcEndpoints(loaded.config, loaded.aws, []),
    })
    return this.execute(plan, {
      config: loaded.config,
      configPath: loaded.configPath,
      aws: loaded.aws,
      observe: () => observe(loaded.config, loaded.aws, {parts: ['routing']}),
      flags: {
        change: description,
        'allow-all-off': flags['allow-all-off'],
        'override-safety-rule': overrides.length > 0 ? overrides.join(',') : undefined,
        yes: this.flags.yes,
        sandbox: this.flags.sandbox,
      },
    })
  }
}
