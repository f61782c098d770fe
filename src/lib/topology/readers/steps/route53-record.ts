import {CONTROL_PLANE_REGIONS} from '../../../aws/control-planes.js'
import type {RecordSet} from '../../../aws/ports.js'
import {bareId, dnsName} from '../../../aws/route53.js'
import type {StepOfKind} from '../../../config/steps.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

type RegionEntry = StepOfKind<'route53-record'>['regions'][string]

const answerOf = (record: RecordSet) => (record.alias ? `alias ${record.alias.dnsName}` : record.values.join(','))

/** Whether a record answers with a Region's value or alias target. */
function answersFor(record: RecordSet, entry: RegionEntry): boolean {
  if (entry.alias) return record.alias !== undefined && dnsName(record.alias.dnsName) === dnsName(entry.alias.dnsName)
  return record.alias === undefined && record.values.some((value) => dnsName(value) === dnsName(entry.value ?? ''))
}

/**
 * A record read from Route 53's control plane (us-east-1): a simple one points at the Region whose value (or alias) it
 * answers with; weighted ones at the one Region whose record has a weight above 0.
 */
export async function readRoute53Record(
  step: StepOfKind<'route53-record'>,
  {aws, reader}: ReadContext,
): Promise<StepReading> {
  const region = CONTROL_PLANE_REGIONS.route53
  const base = {callRegions: [region], controlPlane: region}
  const zone = bareId(step.hostedZoneId)
  const label = `${step.name} ${step.type}`
  const read = await reader.readControlPlane('route53', region, () =>
    aws.route53().listRecordSets(step.hostedZoneId, step.name, step.type),
  )
  if (!read.ok) return {...base, state: `${label}: not read`, unreadable: read.error}
  const records = read.value
  if (!records)
    return {...base, state: `${label}: no hosted zone`, missing: `Route 53 hosted zone ${zone} does not exist`}
  const regions = Object.entries(step.regions)

  if (step.routing === 'simple') {
    const record = records.find((candidate) => candidate.setIdentifier === undefined)
    if (!record) {
      return {...base, state: `${label}: no record`, missing: `${label} does not exist in hosted zone ${zone}`}
    }
    const pointsAt = regions.find(([, entry]) => answersFor(record, entry))?.[0]
    return {...base, state: `${label} → ${answerOf(record)}`, ...(pointsAt ? {pointsAt} : {})}
  }

  const weights = regions.map(([name, entry]) => ({
    region: name,
    setIdentifier: entry.setIdentifier,
    record: records.find((candidate) => candidate.setIdentifier === entry.setIdentifier),
  }))
  const absent = weights.filter(({record}) => !record)
  const state = `${label} weights: ${weights.map(({region: name, record}) => `${name} ${record?.weight ?? '(no record)'}`).join(', ')}`
  if (absent.length > 0) {
    return {
      ...base,
      state,
      missing: `${label} has no record with set identifier ${absent.map(({setIdentifier, region: name}) => `${setIdentifier} (${name})`).join(', ')} in hosted zone ${zone}`,
    }
  }
  // Only one Region weighted above 0 is "pointing" there; all 0 means Route 53 answers with every record alike.
  const weighted = weights.filter(({record}) => (record?.weight ?? 0) > 0)
  return {...base, state, ...(weighted.length === 1 ? {pointsAt: weighted[0]?.region} : {})}
}
