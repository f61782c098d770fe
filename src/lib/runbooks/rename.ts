import type {AwsPorts} from '../aws/ports.js'
import {fail, ok} from '../checks/check.js'
import {listsGlobalCluster} from '../config/rename-global.js'
import {RDS_IDENTIFIER, type DrctlConfig} from '../config/schema.js'
import {renameInTemplate, templatedGlobalClusters} from '../config/steps.js'
import {DrctlError} from '../core/errors.js'
import type {RunPlan} from '../runbook/types.js'
import {declared, readsOnly} from '../aws/iam-calls.js'
import {type ItemSpec, itemsFromSpecs} from './step-specs.js'

/** What planRename reads. */
export const RENAME_READS = {calls: readsOnly([declared('RDS', 'DescribeGlobalClusters')])}

export const RENAME_GLOBAL = 'rename-global'

/** RDS rules for a global cluster identifier (aws-reference §2.5); stored lowercase. */
export function validateGlobalClusterName(name: string): string {
  const lower = name.toLowerCase()
  if (!RDS_IDENTIFIER.test(lower)) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `"${name}" is not a valid global cluster identifier: 1–63 letters, digits or hyphens, starting with a letter, no double or trailing hyphen`,
    )
  }
  return lower
}

/** The SSM parameter steps that hold the global cluster's name: put again with the new one, in the same run. */
function parametersNaming(config: DrctlConfig, currentId: string, newId: string, writerRegion: string): ItemSpec[] {
  return config.steps.flatMap((step): ItemSpec[] =>
    step.kind === 'ssm-parameter' && templatedGlobalClusters(step.value).includes(currentId)
      ? [
          {
            kind: 'app-step',
            spec: {
              step: {...step, value: renameInTemplate(step.value, currentId, newId)},
              move: {
                to: writerRegion,
                from: [],
                failedRegions: [],
                globalClusters: config.aurora.globalClusters.map((id) => (id === currentId ? newId : id)),
              },
            },
          },
        ]
      : [],
  )
}

/** Renames a global cluster in place (ModifyGlobalCluster NewGlobalClusterIdentifier), checked against live state first. */
export async function planRename(
  config: DrctlConfig,
  aws: AwsPorts,
  current: string,
  requested: string,
): Promise<RunPlan> {
  const newId = validateGlobalClusterName(requested)
  const currentId = current.toLowerCase()
  if (newId === currentId) throw new DrctlError('DRCTL_USAGE', `${current} already has that name`)
  const region = config.regions[0] as string
  const rds = aws.rds(region)
  const [global, existing] = await Promise.all([rds.describeGlobalCluster(currentId), rds.describeGlobalCluster(newId)])
  const writer = global?.members.find((member) => member.isWriter)
  const gates = [
    global
      ? ok('gate.current', `${currentId} exists (${global.status})`)
      : fail('gate.current', `global cluster ${currentId} does not exist`),
    existing
      ? fail('gate.collision', `a global cluster named ${newId} already exists`)
      : ok('gate.collision', `${newId} is free`),
    global && (global.status !== 'available' || global.failoverState)
      ? fail(
          'gate.status',
          `${currentId} is ${global.status}${global.failoverState ? ' with a failover in progress' : ''}: rename it once it is available`,
        )
      : ok('gate.status', `${currentId} can be modified`),
  ]
  const specs: ItemSpec[] = [
    {kind: 'rename-global', currentId, newId, region: writer?.region ?? region},
    ...parametersNaming(config, currentId, newId, writer?.region ?? region),
  ]
  const endpoint = global?.endpoint
  return {
    kind: RENAME_GLOBAL,
    title: `Rename global cluster ${currentId} to ${newId}`,
    params: {specs},
    items: itemsFromSpecs(specs, config),
    gates,
    confirmation: {
      kind: 'typed',
      message: `Renaming changes the global writer endpoint's host name${endpoint ? ` (${endpoint} becomes ${endpoint.replace(currentId, newId)})` : ''}: anything that connects through it must follow.`,
      expected: newId,
      yesSuffices: true,
      yesFlagHint: '--yes',
    },
    notes: [
      `the global writer endpoint's first label is the global cluster name: it changes${endpoint ? ` from ${endpoint}` : ''}`,
      ...(listsGlobalCluster(config, currentId)
        ? [`drctl.yaml lists ${currentId}: drctl offers to update it after the rename`]
        : []),
    ],
    followUps: [
      'update every stored reference to the old name (parameters, secrets, pipelines) and the applications using the global endpoint',
    ],
    evidence: {},
    excludedRegions: [],
  }
}
