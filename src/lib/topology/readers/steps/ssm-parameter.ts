import {dependsOnRun, renderTemplate, type StepOfKind} from '../../../config/steps.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

/**
 * A parameter in each Region it is written in; it points at the Region whose move would have written exactly these
 * values (`any` when the values do not depend on the Region moved to).
 */
export async function readSsmParameter(
  step: StepOfKind<'ssm-parameter'>,
  {config, aws, reader}: ReadContext,
): Promise<StepReading> {
  const regions = step.writeIn ?? config.regions
  const reads = await Promise.all(
    regions.map(async (region) => ({
      region,
      read: await reader.read('ssm', region, () => aws.ssm(region).getParameter(step.name)),
    })),
  )
  const unreadable = reads.find(({read}) => !read.ok)
  const values = reads.flatMap(({region, read}) => (read.ok ? [{region, value: read.value?.value}] : []))
  const distinct = [...new Set(values.map(({value}) => value ?? '(absent)'))]
  const state =
    distinct.length === 1 && values.length === regions.length
      ? `${step.name} = ${distinct[0]} in ${regions.join(', ')}`
      : `${step.name}: ${values.map(({region, value}) => `${value ?? '(absent)'} in ${region}`).join(', ')}`
  const base = {callRegions: regions, state}
  if (unreadable && !unreadable.read.ok) return {...base, unreadable: unreadable.read.error}
  if (dependsOnRun(step.value)) return base
  const expected = (target: string, region: string) =>
    renderTemplate(step.value, {target, from: [], region, runId: '', globalClusters: config.aurora.globalClusters})
  const matching = config.regions.filter((target) =>
    values.every(({region, value}) => value === expected(target, region)),
  )
  if (matching.length === config.regions.length) return {...base, pointsAt: 'any'}
  return matching.length === 1 ? {...base, pointsAt: matching[0]} : base
}
