import type {ArcEndpoint, AwsPorts} from '../../aws/ports.js'
import {type DrctlConfig, routingControlsByRegion} from '../../config/schema.js'
import {resourceIdOfArn} from '../../core/arn.js'
import {isDrctlError} from '../../core/errors.js'
import {unreadableOf} from '../region-reader.js'
import type {RoutingView} from '../views.js'
import type {ServiceReader} from './service-reader.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'

/** ARC routing control states, read through the cluster endpoints (never the control plane, when they are cached). */
export const routingReader: ServiceReader<'routing', 'routing'> = {
  part: 'routing',
  calls: readsOnly([
    declared('ARC cluster', 'ListRoutingControls'),
    declared('ARC control', 'DescribeCluster', 'arc-cluster-uncached'),
  ]),
  unread: {routing: undefined},
  async read({config, aws, arcAvoidRegions, warnings}) {
    const arc = config.arc
    if (!arc) return {routing: undefined}
    const byRegion = routingControlsByRegion(config)
    const configured = Object.entries(byRegion).flatMap(([region, arns]) => arns.map((arn) => ({arn, region})))
    const view: RoutingView = {
      controls: configured.map(({arn, region}) => ({arn, region, name: resourceIdOfArn(arn)})),
      safetyRules: arc.safetyRules,
      attempts: [],
      endpointsCached: arc.endpoints.length > 0,
    }
    try {
      const endpoints = await arcEndpoints(config, aws, warnings)
      const answer = await aws
        .arcData(endpoints, {avoidRegions: arcAvoidRegions})
        .listRoutingControls(arc.controlPanelArn)
      view.endpoint = answer.endpoint
      view.attempts = answer.attempts
      view.panelStates = Object.fromEntries(answer.value.map((control) => [control.arn, control.state]))
      for (const control of view.controls) {
        const live = answer.value.find((candidate) => candidate.arn === control.arn)
        if (live) {
          control.name = live.name || control.name
          control.state = live.state
        }
      }
    } catch (error) {
      view.unreadable = unreadableOf(error)
      const attempts = isDrctlError(error)
        ? (error.details?.attempts as RoutingView['attempts'] | undefined)
        : undefined
      if (attempts) view.attempts = attempts
    }
    return {routing: view}
  },
}

/** The cached cluster endpoints; without a cache, the control plane (us-west-2) is asked, with a warning. */
export async function arcEndpoints(config: DrctlConfig, aws: AwsPorts, warnings: string[]): Promise<ArcEndpoint[]> {
  const arc = config.arc
  if (!arc) return []
  if (arc.endpoints.length > 0) return arc.endpoints
  warnings.push(
    'ARC cluster endpoints are not cached in drctl.yaml, so they were fetched from the control plane in us-west-2; run `drctl routing endpoints --save` so DR does not depend on it',
  )
  return (await aws.arcControl().describeCluster(arc.clusterArn)).endpoints
}
