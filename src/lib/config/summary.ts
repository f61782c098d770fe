import {type DrctlConfig, routingControlsByRegion} from './schema.js'

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** One line describing what a topology file covers. */
export function summarizeConfig(config: DrctlConfig) {
  const counts = {
    name: config.name,
    regions: config.regions.length,
    globalClusters: config.aurora.globalClusters.length,
    replicas: config.aurora.replicas.length,
    tables: config.dynamodb.tables.length,
    routingControls: Object.values(routingControlsByRegion(config)).flat().length,
    stacks: Object.values(config.stacks).flat().length,
  }
  const parts = [
    `topology ${config.name}`,
    `${plural(counts.regions, 'Region')} (${config.regions.join(', ')})`,
    plural(counts.globalClusters, 'global cluster'),
    ...(counts.replicas ? [plural(counts.replicas, 'binlog replica')] : []),
    plural(counts.tables, 'global table'),
    plural(counts.routingControls, 'routing control'),
    plural(counts.stacks, 'stack'),
  ]
  return {counts, text: parts.join(', ')}
}
