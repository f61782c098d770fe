import {CONTROL_PLANE_REGIONS} from '../../../aws/control-planes.js'
import type {StepOfKind} from '../../../config/steps.js'
import type {StepReading} from '../app-steps.js'
import type {ReadContext} from '../service-reader.js'

/**
 * The traffic dial of each Region's endpoint group, read from Global Accelerator's control plane (us-west-2): it
 * points at the Region dialled to 100 while every other is at 0.
 */
export async function readAcceleratorDial(
  step: StepOfKind<'global-accelerator-dial'>,
  {aws, reader}: ReadContext,
): Promise<StepReading> {
  const region = CONTROL_PLANE_REGIONS.globalaccelerator
  const base = {callRegions: [region], controlPlane: region}
  const port = aws.globalAccelerator()
  const [accelerator, groups] = await Promise.all([
    reader.readControlPlane('globalaccelerator', region, () => port.describeAccelerator(step.acceleratorArn)),
    Promise.all(
      Object.entries(step.regions).map(async ([name, {endpointGroupArn}]) => ({
        region: name,
        endpointGroupArn,
        read: await reader.readControlPlane('globalaccelerator', region, () =>
          port.describeEndpointGroup(endpointGroupArn),
        ),
      })),
    ),
  ])
  if (!accelerator.ok) return {...base, state: 'dials: not read', unreadable: accelerator.error}
  const unreadable = groups.find(({read}) => !read.ok)
  if (unreadable && !unreadable.read.ok) return {...base, state: 'dials: not read', unreadable: unreadable.read.error}
  if (!accelerator.value) {
    return {...base, state: 'no accelerator', missing: `accelerator ${step.acceleratorArn} does not exist`}
  }
  const dials = groups.map(({region: name, endpointGroupArn, read}) => ({
    region: name,
    endpointGroupArn,
    percentage: read.ok ? read.value?.trafficDialPercentage : undefined,
  }))
  const state = `dials: ${dials.map(({region: name, percentage}) => `${name} ${percentage === undefined ? '(no endpoint group)' : `${percentage}%`}`).join(', ')} (${accelerator.value.status})`
  const absent = dials.filter(({percentage}) => percentage === undefined)
  if (absent.length > 0) {
    return {
      ...base,
      state,
      missing: `endpoint group of ${absent.map(({region: name, endpointGroupArn}) => `${name} (${endpointGroupArn})`).join(', ')} does not exist`,
    }
  }
  const full = dials.filter(({percentage}) => percentage === 100)
  const othersOff = dials.every(({percentage}) => percentage === 100 || percentage === 0)
  return {...base, state, ...(full.length === 1 && othersOff ? {pointsAt: full[0]?.region} : {})}
}
