import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {iamActionOf} from '../../src/lib/aws/errors.js'
import {parseConfig} from '../../src/lib/config/load.js'
import {callsOf, type PolicyDocument, rolePolicies} from '../../src/lib/iam/policy.js'
import type {PlannedCall} from '../../src/lib/runbook/types.js'

const sandboxConfig = (home: string) => parseConfig(readFileSync(join(home, 'sandbox', 'drctl.yaml'), 'utf8'))

/** The policy `drctl iam policy --command COMMAND` prints for the sandbox's drctl.yaml in `home`. */
export function commandPolicy(home: string, command: string): PolicyDocument {
  const [policy] = rolePolicies(sandboxConfig(home), [command])
  if (!policy) throw new Error(`no policy for ${command}`)
  return policy.document
}

/** The actions of `command` that AWS checks while serving another call (the sandbox never asks for them). */
export function onBehalfActions(home: string, command: string): Set<string> {
  return new Set(
    callsOf(sandboxConfig(home), command)
      .filter((call) => call.onBehalf)
      .map((call) => iamActionOf(call)),
  )
}

/** Writes `document` beside the sandbox and returns its path, for $DRCTL_SANDBOX_POLICY. */
export function policyFile(home: string, name: string, document: PolicyDocument): string {
  const path = join(home, `${name.replaceAll(' ', '-')}.policy.json`)
  writeFileSync(path, JSON.stringify(document))
  return path
}

/** The calls of a plan whose action no statement of `document` names (a describe() its step did not declare). */
export function ungrantedCalls(document: PolicyDocument, calls: Pick<PlannedCall, 'service' | 'operation'>[]) {
  const granted = new Set(document.Statement.flatMap((statement) => statement.Action))
  return calls
    .filter((call) => call.service !== 'drctl')
    .map(iamActionOf)
    .filter((action) => !granted.has(action))
}
