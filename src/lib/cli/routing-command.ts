import type {Command} from '@oclif/core'
import {Flags} from '@oclif/core'

import type {AwsSession} from '../aws/session.js'
import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import {planRoutingChange} from '../runbooks/routing-change.js'
import type {DesiredControl} from '../runbooks/routing-control-step.js'
import type {RoutingView, Topology} from '../topology/views.js'
import {observe} from '../topology/observe.js'
import {arcEndpoints} from '../topology/readers/routing.js'
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

/** Routing commands need drctl.yaml's arc: section; without it, say where to find what goes in it. */
export function requireArcSection(config: DrctlConfig, configPath: string): void {
  if (!config.arc) {
    throw new DrctlError('DRCTL_USAGE', `${configPath} has no arc: section`, {
      hints: ['`drctl config init --print` shows an annotated example with one'],
    })
  }
}

/**
 * Routing controls that could not be read. Every endpoint failing is DRCTL_ARC_ENDPOINTS_FAILED (the message names
 * each endpoint and why); an answer that rotation does not get past, such as access denied, keeps its own code.
 */
export function routingUnreadable(routing: RoutingView | undefined, prefix = '', hints: string[] = []): DrctlError {
  const unreadable = routing?.unreadable
  const denied = unreadable?.kind === 'access-denied'
  return new DrctlError(
    denied ? 'DRCTL_AWS_ACCESS_DENIED' : 'DRCTL_ARC_ENDPOINTS_FAILED',
    `${prefix}${unreadable?.message ?? 'routing controls could not be read'}`,
    {
      hints: [
        ...(denied
          ? [
              'check that the credentials in use may call route53-recovery-cluster:ListRoutingControls (and are not expired)',
            ]
          : []),
        ...hints,
      ],
      details: {attempts: routing?.attempts ?? []},
    },
  )
}

/** What a routing change is planned from: the topology's config and its routing as read just now. */
interface LoadedRouting {
  config: DrctlConfig
  configPath: string
  aws: AwsSession
  routing: RoutingView
  topology: Topology
}

/** Shared by `routing set` and `routing shift`: read, plan, gate, confirm, change in one batch, read back. */
export abstract class RoutingChangeCommand<T extends typeof Command> extends RunbookCommand<T> {
  protected async loadRouting(): Promise<LoadedRouting> {
    const {path: configPath, config} = await this.loadConfig()
    requireArcSection(config, configPath)
    this.refuseIfUnfinished(config)
    const aws = await this.awsSession(config, {readOnly: this.flags['dry-run']})
    const topology = await this.observeForPlan(config, aws, {parts: ['routing']})
    const routing = topology.routing as RoutingView
    if (routing.unreadable)
      throw routingUnreadable(routing, 'routing controls could not be read: ', ['nothing was changed'])
    return {config, configPath, aws, routing, topology}
  }

  protected async change(
    loaded: LoadedRouting,
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
      before: loaded.topology,
      observe: () => observe(loaded.config, loaded.aws, {parts: ['routing']}),
      flags: {
        change: description,
        'allow-all-off': flags['allow-all-off'],
        'override-safety-rule': overrides.length > 0 ? overrides.join(',') : undefined,
      },
    })
  }
}
