import type {StepOfKind} from '../../../config/steps.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

/** The function each Region would invoke: it must exist; what it does is the same wherever it runs. */
export async function readLambda(
  step: StepOfKind<'lambda'>,
  {config, aws, reader, regions: callable}: ReadContext,
): Promise<StepReading> {
  const regions = config.regions.filter((region) => callable.includes(region))
  const reads = await Promise.all(
    regions.map(async (region) => {
      const name = step.regions[region]?.function ?? ''
      return {region, name, read: await reader.read('lambda', region, () => aws.lambda(region).getFunction(name))}
    }),
  )
  const missing = reads.flatMap(({region, name, read}) =>
    read.ok && !read.value ? [`Lambda function ${name} does not exist in ${region}`] : [],
  )
  const state = reads
    .map(({region, name, read}) =>
      read.ok
        ? `${name} in ${region}${read.value?.state ? ` (${read.value.state})` : ''}`
        : `${name} in ${region}: not read`,
    )
    .join(', ')
  const base = {callRegions: regions, state}
  if (missing.length > 0) return {...base, missing: missing.join('; ')}
  const unreadable = reads.find(({read}) => !read.ok)?.read
  if (unreadable && !unreadable.ok) return {...base, unreadable: unreadable.error}
  return {...base, pointsAt: 'any'}
}
