import type {DrctlConfig} from './schema.js'
import {renameInTemplate, templatedGlobalClusters} from './steps.js'
import {updateConfigFile} from './update.js'

/** Whether drctl.yaml lists a global cluster (compared lowercase: RDS stores identifiers so). */
export function listsGlobalCluster(config: DrctlConfig, id: string): boolean {
  return config.aurora.globalClusters.includes(id.toLowerCase())
}

/** After a rename, drctl.yaml lists the new name where it listed the old one (comments and layout kept). */
export function renameGlobalClusterInConfig(
  path: string,
  config: DrctlConfig,
  current: string,
  renamed: string,
): Promise<DrctlConfig> {
  const [from, to] = [current.toLowerCase(), renamed.toLowerCase()]
  return updateConfigFile(path, (set) => {
    set(
      ['aurora', 'globalClusters'],
      config.aurora.globalClusters.map((id) => (id === from ? to : id)),
    )
    config.steps.forEach((step, index) => {
      if (step.kind === 'ssm-parameter' && templatedGlobalClusters(step.value).includes(from))
        set(['steps', index, 'value'], renameInTemplate(step.value, from, to))
      if (step.kind === 'rds-proxy-target' && step.globalCluster === from) set(['steps', index, 'globalCluster'], to)
    })
  })
}
