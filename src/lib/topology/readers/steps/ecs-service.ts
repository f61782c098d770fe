import type {StepOfKind} from '../../../config/steps.js'
import type {Unreadable} from '../../views.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

/**
 * Each Region's services, running/desired. A `scale` step points at the Region whose services desire tasks (`any` when
 * every Region's do); a `redeploy` is the same wherever it runs.
 */
export async function readEcsService(
  step: StepOfKind<'ecs-service'>,
  {config, aws, reader, regions: callable}: ReadContext,
): Promise<StepReading> {
  const regions = config.regions.filter((region) => callable.includes(region))
  const reads = await Promise.all(
    regions.map(async (region) => {
      const {cluster = '', services = []} = step.regions[region] ?? {}
      const read = await reader.read('ecs', region, () => aws.ecs(region).describeServices(cluster, services))
      return {region, cluster, services, read}
    }),
  )
  const lines: string[] = []
  const missing: string[] = []
  const running: string[] = []
  let unreadable: Unreadable | undefined
  for (const {region, cluster, services, read} of reads) {
    if (!read.ok) {
      if (read.error.kind === 'not-found') missing.push(`ECS cluster ${cluster} does not exist in ${region}`)
      else unreadable ??= read.error
      lines.push(`${region}: not read`)
      continue
    }
    const found = services.map((name) => ({
      name,
      service: read.value.services.find((service) => service.name === name || service.arn === name),
    }))
    const absent = found.filter(({service}) => service?.status !== 'ACTIVE').map(({name}) => name)
    if (absent.length > 0) missing.push(`ECS service ${absent.join(', ')} does not exist in ${cluster} in ${region}`)
    lines.push(
      `${region}: ${found
        .map(({name, service}) =>
          service ? `${name} ${service.runningCount}/${service.desiredCount}` : `${name} missing`,
        )
        .join(', ')}`,
    )
    if (found.every(({service}) => (service?.desiredCount ?? 0) > 0)) running.push(region)
  }
  const base = {callRegions: regions, state: `${lines.join('; ')} (running/desired)`}
  if (missing.length > 0) return {...base, missing: missing.join('; ')}
  if (unreadable) return {...base, unreadable}
  if (step.action === 'redeploy' || running.length === config.regions.length) return {...base, pointsAt: 'any'}
  return running.length === 1 ? {...base, pointsAt: running[0]} : base
}
