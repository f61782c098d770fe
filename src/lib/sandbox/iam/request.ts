import type {Routed} from '../protocol/answers.js'
import type {World} from '../world.js'
import {resourcesOf} from './resources.js'

/** IAM's service prefix where it differs from the SigV4 signing name. */
const iamPrefixBySigningName: Record<string, string> = {monitoring: 'cloudwatch'}
/** IAM actions named otherwise than their operation (an S3 HEAD needs what its GET needs, a listing ListBucket). */
const iamActionByOperation: Record<string, string> = {
  'lambda:Invoke': 'lambda:InvokeFunction',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  's3:ListObjectsV2': 's3:ListBucket',
}

/** What a call looked like on the wire: enough to find the resources it names. */
export interface WireRequest {
  url: URL
  body: Buffer
}

/** The IAM action (`rds:SwitchoverGlobalCluster`), resources and condition keys of a routed call. */
export function iamRequestOf(routed: Routed, wire: WireRequest, world: World) {
  const prefix = iamPrefixBySigningName[routed.service] ?? routed.service
  const action = `${prefix}:${routed.operation}`
  const path = wire.url.pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const {operation, region} = routed
  return {
    action: iamActionByOperation[action] ?? action,
    resources: resourcesOf({prefix, operation, region, params: paramsOf(wire), path, world}),
    context: {'aws:RequestedRegion': region},
  }
}

function paramsOf(wire: WireRequest): Record<string, unknown> {
  const text = wire.body.toString('utf8')
  const query = Object.fromEntries(wire.url.searchParams)
  // JSON protocols send an object; query protocols a form (CBOR bodies are judged without their resources).
  if (text.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(text || '{}')
      return typeof parsed === 'object' && parsed !== null ? {...query, ...(parsed as Record<string, unknown>)} : query
    } catch {
      return query
    }
  }
  return {...query, ...Object.fromEntries(new URLSearchParams(text))}
}
