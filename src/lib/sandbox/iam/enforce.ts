import {readFileSync} from 'node:fs'

import {ApiError, SandboxError} from '../errors.js'
import type {Routed} from '../protocol/answers.js'
import {SERVICES} from '../services/simulated-services.js'
import {SANDBOX_ROLE, SANDBOX_SESSION} from '../services/sts.js'
import {evaluate, type PolicyDocument, policyDocuments} from './policy.js'
import {iamRequestOf, type WireRequest} from './request.js'
import type {World} from '../world.js'

/** The policy every call of a sandbox is judged against (`--enforce-iam FILE`, or $DRCTL_SANDBOX_POLICY). */
export function loadPolicy(path: string): PolicyDocument[] {
  try {
    return policyDocuments(JSON.parse(readFileSync(path, 'utf8')))
  } catch (error) {
    throw new SandboxError(
      'bad-argument',
      `cannot enforce the IAM policy ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {hint: 'write one with drctl iam policy --role operator > operator.json'},
    )
  }
}

/** AWS's refusal of a call the policy does not allow, in the error shape of the service's protocol; else undefined. */
export function refusal(
  policy: PolicyDocument[],
  routed: Routed,
  wire: WireRequest,
  world: World,
): ApiError | undefined {
  const {account} = world
  const request = iamRequestOf(routed, wire, world)
  // AWS answers GetCallerIdentity whatever the policy says.
  if (request.action === 'sts:GetCallerIdentity') return undefined
  const decision = evaluate(policy, request)
  if (decision.allowed) return undefined
  const protocol = SERVICES[routed.service]?.protocol
  const code =
    protocol === 'query' || protocol === 'restXml' || protocol === 's3RestXml'
      ? 'AccessDenied'
      : 'AccessDeniedException'
  const why = decision.explicitDeny
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${request.action} action`
  return new ApiError(
    code,
    `User: arn:aws:sts::${account}:assumed-role/${SANDBOX_ROLE}/${SANDBOX_SESSION} is not authorized to perform: ${request.action} on resource: ${decision.resource} ${why}`,
    403,
  )
}
