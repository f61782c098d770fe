import type {AppStepView, Topology} from '../topology/views.js'
import {type Check, fail, ok, warn} from './check.js'

/** The Region that writes now: the one writer of every global cluster, else where ARC routes traffic. */
export function activeRegion(topology: Topology): string | undefined {
  const writers = new Set(topology.aurora.map((view) => view.writerRegion).filter(Boolean))
  if (writers.size === 1) return [...writers][0]
  if (writers.size > 1) return undefined
  const routed = new Set(topology.routing?.controls.filter((control) => control.state === 'On').map((c) => c.region))
  return routed.size === 1 ? [...routed][0] : undefined
}

const label = (view: AppStepView) => `step ${view.id} (${view.kind})`

/** What `drctl status` says of each application step: readable, pointing where writes are, and what it depends on. */
export function appStepChecks(topology: Topology, topologyRegions: string[]): Check[] {
  const writer = activeRegion(topology)
  return topology.steps.flatMap((view) => {
    const id = `step.${view.id}`
    const checks: Check[] = []
    const serious = view.required ? fail : warn
    if (view.missing) checks.push(fail(id, `${label(view)}: ${view.missing}`))
    else if (view.unreadable) checks.push(serious(id, `${label(view)}: could not be read: ${view.unreadable.message}`))
    else if (view.pointsAt === 'any') checks.push(ok(id, `${label(view)}: ${view.state}`))
    else if (!view.pointsAt) checks.push(serious(id, `${label(view)}: points at no single Region: ${view.state}`))
    else if (writer && view.pointsAt !== writer)
      checks.push(serious(id, `${label(view)} points at ${view.pointsAt}, but writes are in ${writer}: ${view.state}`))
    else checks.push(ok(id, `${label(view)} points at ${view.pointsAt}: ${view.state}`))
    if (view.controlPlane && topologyRegions.includes(view.controlPlane)) {
      checks.push(
        warn(
          `${id}.control-plane`,
          `${label(view)} depends on the ${view.controlPlane} control plane: an unplanned failover away from ${view.controlPlane} tries it briefly, then ${view.required ? 'stops (required: true)' : 'lists it as a follow-up'}`,
        ),
      )
    }
    return checks
  })
}

/**
 * Gates of a move through the application steps that join `runbook`: every step's resource exists and can be read,
 * except where the move will not call (a failed Region's control plane: that step is deferred).
 */
export function appStepGates(topology: Topology, runbook: string, unreachable: string[] = []): Check[] {
  return topology.steps
    .filter((view) => view.joins.includes(runbook))
    .map((view) => {
      const id = `gate.step.${view.id}`
      if (view.missing) return fail(id, `${label(view)}: ${view.missing}`)
      const deferred = view.callRegions.some((region) => unreachable.includes(region))
      if (view.unreadable && deferred)
        return warn(
          id,
          `${label(view)}: not read (${view.unreadable.message}); it will be tried briefly, then deferred`,
        )
      if (view.unreadable) return fail(id, `${label(view)}: could not be read: ${view.unreadable.message}`)
      return ok(id, `${label(view)}: ${view.state}`)
    })
}
