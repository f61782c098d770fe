import {randomUUID} from 'node:crypto'

import {type ChaosGateOptions, chaosGates} from '../../checks/chaos-gates.js'
import type {DrctlConfig} from '../../config/schema.js'
import {formatDuration} from '../../core/clock.js'
import type {RunPlan} from '../../runbook/types.js'
import type {Topology} from '../../topology/views.js'
import {type ChaosParams, chaosItems, RUN_TOKEN_TAG, TOPOLOGY_TAG} from './steps.js'
import type {TemplateView} from './templates.js'
import {sampleOf} from './timeline.js'

// The chaos-run runbook (runbook-spec R8): guardrail gates, the start with an idempotency token, and following the
// experiment while sampling the DR signals into the report's timeline.

export const CHAOS_RUN = 'chaos-run'

/** Beyond the template's own durations: initiating, target resolution, actions without a duration. */
const FOLLOW_MARGIN_MS = 15 * 60_000
const FOLLOW_DEFAULT_MS = 30 * 60_000

export interface ChaosRequest extends ChaosGateOptions {
  /** Follow the experiment to its end (and lag to recovery), or only start it. */
  follow: boolean
  /** Generated once per plan and journaled: a retried or resumed start reuses it, so FIS starts one experiment. */
  clientToken: string
}

export function newClientToken(): string {
  // FIS accepts up to 64 characters: a UUID, not the topology name, which may itself be 63 long.
  return `drctl-${randomUUID()}`
}

/** Plans a game day: gates, the template shown in full, the start with its idempotency token, and the follow. */
export function planChaosRun(
  config: DrctlConfig,
  topology: Topology,
  template: TemplateView,
  request: ChaosRequest,
): RunPlan {
  const {gates, notes} = chaosGates(config, topology, template, request)
  const params: ChaosParams = {
    region: template.region,
    templateId: template.id,
    templateName: template.name,
    clientToken: request.clientToken,
    tags: {[RUN_TOKEN_TAG]: request.clientToken, [TOPOLOGY_TAG]: config.name},
    follow: request.follow,
    followTimeoutMs: (template.expectedDurationMs ?? FOLLOW_DEFAULT_MS) + FOLLOW_MARGIN_MS,
    recoveredBelowMs: config.gates.maxReplicationLagMs,
  }
  return {
    kind: CHAOS_RUN,
    title: `Chaos experiment ${template.name} on ${config.name} (${template.id} in ${template.region})`,
    params,
    items: chaosItems(config, params),
    gates,
    confirmation: {
      kind: 'typed',
      message: `This starts FIS experiment template ${template.name} (${template.actions.length} action(s)${template.expectedDurationMs ? `, ${formatDuration(template.expectedDurationMs)}` : ''}) against ${config.name}.`,
      expected: template.name,
      yesSuffices: true,
      yesFlagHint: '--yes',
    },
    notes: [
      ...notes,
      ...(request.follow
        ? [
            `followed until it ends, then until replication lag is back under ${formatDuration(params.recoveredBelowMs)}; Ctrl-C offers to stop it`,
          ]
        : [
            'not followed (--no-wait, or no terminal without --wait): it keeps running after drctl exits; drctl chaos status follows it, drctl chaos stop ends it early',
          ]),
    ],
    followUps: ['review the timeline of states and signals in this report against what you expected to see'],
    evidence: {template, timeline: [sampleOf(topology, undefined, 0, topology.observedAt)]},
    excludedRegions: [],
  }
}
