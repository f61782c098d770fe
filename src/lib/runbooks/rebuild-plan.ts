import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'
import type {RunStartEvent} from '../runbook/journal.js'
import type {PlanItem, RunPlan} from '../runbook/types.js'
import type {ObserveOptions} from '../topology/observe.js'
import {CHAOS_RUN} from './chaos/plan.js'
import {type ChaosParams, chaosItems} from './chaos/steps.js'
import {failoverItems, type FailoverParams} from './failover.js'
import {ROUTING_CHANGE} from './routing-change.js'
import {type ItemSpec, itemsFromSpecs} from './step-specs.js'
import {TEARDOWN} from './teardown.js'
import {FALLBACK} from './fallback.js'
import {RENAME_GLOBAL} from './rename.js'
import {RECONCILE} from './reconcile.js'
import {type TrafficChange, TrafficChangeStep} from './routing-control-step.js'

type Rebuild = (config: DrctlConfig, params: Record<string, unknown>) => PlanItem[]

/** Runbooks that journal their steps as plain specs. */
const fromSpecs: Rebuild = (config, params) => itemsFromSpecs(params.specs as ItemSpec[], config)

/** How each kind of run rebuilds its steps from the journal, for `drctl runs resume`. */
const rebuilders: Record<string, Rebuild> = {
  'failover-planned': (config, params) => failoverItems(config, params as FailoverParams),
  'failover-unplanned': (config, params) => failoverItems(config, params as FailoverParams),
  [ROUTING_CHANGE]: (_config, params) => [new TrafficChangeStep(params.change as TrafficChange)],
  [CHAOS_RUN]: (config, params) => chaosItems(config, params as ChaosParams),
  [TEARDOWN]: fromSpecs,
  [FALLBACK]: fromSpecs,
  [RENAME_GLOBAL]: fromSpecs,
  [RECONCILE]: fromSpecs,
}

/** The plan of an unfinished run, as journaled: same parameters, gates already passed, steps rebuilt. */
export function rebuildPlan(start: RunStartEvent, config: DrctlConfig): RunPlan {
  const rebuild = rebuilders[start.kind]
  if (!rebuild)
    throw new DrctlError('DRCTL_USAGE', `runs of kind ${start.kind} cannot be resumed by this drctl version`)
  return {
    kind: start.kind,
    title: start.title,
    params: start.params,
    items: rebuild(config, start.params),
    gates: start.gates,
    confirmation: {kind: 'confirm', message: `Resume "${start.title}"?`},
    notes: start.notes,
    followUps: start.followUps,
    evidence: start.evidence,
    excludedRegions: start.excludedRegions,
  }
}

/** What a resumed run observes for its report: never a Region the run must not call (an unplanned failover's failed one). */
export function resumedObservation(config: DrctlConfig, plan: RunPlan): ObserveOptions {
  return {
    regions: config.regions.filter((region) => !plan.excludedRegions.includes(region)),
    arcAvoidRegions: plan.excludedRegions,
  }
}
