import {Document, type Node, Pair, Scalar, stringify, YAMLMap} from 'yaml'

import {parseConfig} from './load.js'
import {type DrctlConfig, routingControlsByRegion} from './schema.js'
import {type ArcCache, arcSettingsOf, isFlowFriendly} from './update.js'

export const DISCOVERED_SECTIONS = ['aurora', 'dynamodb', 'arc', 'fis', 'stacks', 'steps'] as const
export type DiscoveredSection = (typeof DISCOVERED_SECTIONS)[number]

/** What `drctl config init --discover` read from an account, in drctl.yaml's terms. */
export interface DiscoveredSettings {
  name: string
  account?: string
  regions: string[]
  profile?: string
  /** The sections read (`--only`); the others are left out of the file. */
  sections: DiscoveredSection[]
  aurora: {globalClusters: string[]; replicas: {cluster: string; region: string}[]}
  dynamodb: {tables: string[]}
  arc?: {clusterArn: string} & ArcCache
  fis?: {region: string; templateTags: Record<string, string>}
  stacks: Record<string, string[]>
  /** Application steps recognised in the account, as drctl.yaml writes them. */
  steps: Record<string, unknown>[]
  /** Per section, what was found and how it was recognised: written as comments above it. */
  notes: Partial<Record<DiscoveredSection, string[]>>
}

/** What a discovered file holds: its text and the config it parses to (the same check `config validate` makes). */
export interface DiscoveredFile {
  text: string
  config: DrctlConfig
}

const SECTION_HELP: Record<DiscoveredSection, string> = {
  aurora: 'Aurora Global Database identifiers and cross-Region binlog replica clusters. Roles are read live.',
  dynamodb: 'DynamoDB global tables (version 2019.11.21). Replicas are read live.',
  arc: 'Route 53 ARC: endpoints, panel, routing controls and safety rules cached from the control plane (us-west-2), as `drctl routing endpoints --save` does, so that DR never depends on that Region.',
  fis: 'The Region of the game-day experiment templates, and the tags that select this topology’s templates.',
  stacks: 'CloudFormation stacks per Region (status is reported; teardown deletes them, secondary Regions first).',
  steps:
    'Application steps recognised in the account: what moves with the writes besides ARC (check each; Lambda and approval steps are added by hand).',
}

/**
 * The topology a discovery is for, checked as drctl.yaml is (name shape, 2 or more Regions, no duplicate) before
 * anything is read: a bad --name or --regions is a usage error (exit 2) naming the problem.
 */
export function discoveryTopology(name: string, regions: string[]): DrctlConfig {
  return parseConfig(stringify({version: 1, name, regions}), '--name/--regions')
}

/**
 * The annotated drctl.yaml of a discovery: every section read, each with the comments saying what was found and
 * how, then the defaults of gates and failover. The text is validated as `drctl config validate` would.
 */
export function discoveredConfigFile(settings: DiscoveredSettings, header: string[]): DiscoveredFile {
  const document = new Document()
  const root = new YAMLMap()
  const add = (map: YAMLMap, key: string, value: unknown, comment?: string[]) => {
    const keyNode = new Scalar(key)
    if (comment?.length) {
      keyNode.commentBefore = comment.map((line) => ` ${line}`).join('\n')
      keyNode.spaceBefore = map === root
    }
    map.items.push(new Pair(keyNode, nodeOf(document, value)))
  }
  add(root, 'version', 1)
  add(root, 'name', settings.name, ['Shown in confirmations, run ids and reports (--name).'])
  if (settings.account)
    add(root, 'account', settings.account, ['The account this was read from: drctl refuses others.'])
  add(root, 'regions', settings.regions, ['The Regions of this topology; the first is "home" (--regions, in order).'])
  if (settings.profile) add(root, 'profile', settings.profile)
  const sections = sectionValues(settings)
  for (const section of DISCOVERED_SECTIONS) {
    const value = sections[section]
    if (!settings.sections.includes(section) || value === undefined) continue
    add(root, section, value, [SECTION_HELP[section], ...(settings.notes[section] ?? []).map((line) => `  ${line}`)])
  }
  add(root, 'gates', {maxReplicationLagMs: 5000}, [
    'A planned failover refuses to start while any target’s replication lag is above this.',
  ])
  add(root, 'failover', {order: 'db-first'}, [
    'db-first: switch the databases, then traffic. traffic-first: traffic, then the databases.',
  ])
  document.contents = root
  document.commentBefore = header.map((line) => ` ${line}`).join('\n')
  const text = document.toString({lineWidth: 0, flowCollectionPadding: false})
  return {text, config: parseConfig(text, 'the discovered drctl.yaml')}
}

function sectionValues(settings: DiscoveredSettings): Record<DiscoveredSection, unknown> {
  const arc = settings.arc && {clusterArn: settings.arc.clusterArn, ...arcSettingsOf(settings.arc)}
  return {
    aurora: settings.aurora,
    dynamodb: settings.dynamodb,
    arc,
    fis: settings.fis,
    stacks: settings.stacks,
    steps: settings.steps.length > 0 ? settings.steps : undefined,
  }
}

/** Maps stay block maps down to the values that read best on one line (flow-friendly), as drctl.yaml is written. */
function nodeOf(document: Document, value: unknown): Node {
  if (value && typeof value === 'object' && !Array.isArray(value) && !isFlowFriendly(value)) {
    const map = new YAMLMap()
    for (const [key, entry] of Object.entries(value)) map.items.push(new Pair(new Scalar(key), nodeOf(document, entry)))
    return map
  }
  return document.createNode(value, {flow: isFlowFriendly(value)})
}

const TRAFFIC_STEP_KINDS = ['route53-record', 'cloudfront-origin', 'global-accelerator-dial']

/**
 * What a discovered topology still lacks for drctl to do its job, each with what to do about it, for the sections
 * read (`--only`).
 */
export function missingFromConfig(config: DrctlConfig, sections: readonly DiscoveredSection[]): string[] {
  const missing: string[] = []
  const read = (section: DiscoveredSection) => sections.includes(section)
  if (
    read('aurora') &&
    read('dynamodb') &&
    config.aurora.globalClusters.length === 0 &&
    config.aurora.replicas.length === 0 &&
    config.dynamodb.tables.length === 0
  ) {
    missing.push('no Aurora global clusters or DynamoDB global tables found: failover moves no data')
  }
  // Traffic may move by DNS, CloudFront or Global Accelerator steps instead of routing controls.
  const trafficSteps = config.steps.some((step) => TRAFFIC_STEP_KINDS.includes(step.kind))
  if (read('arc') && !trafficSteps) {
    const controls = routingControlsByRegion(config)
    if (!config.arc || Object.keys(controls).length === 0) {
      missing.push(
        'no routing controls found: add traffic steps (steps:, see `drctl config init --print`), or create ARC routing controls named after their Regions and re-run',
      )
    } else {
      const without = config.regions.filter((region) => !controls[region]?.length)
      if (without.length > 0) {
        missing.push(
          `no routing control for ${without.join(', ')}: name one after its Region in ${config.arc.controlPanelArn ?? 'the control panel'}, or add it under arc.routingControls`,
        )
      }
    }
  }
  if (read('fis') && !config.fis) {
    missing.push('no FIS experiment templates target these resources: `drctl chaos` has nothing to start (add fis:)')
  }
  if (read('stacks') && Object.values(config.stacks).flat().length === 0) {
    missing.push(
      'no CloudFormation stacks found (from the resources’ aws:cloudformation:stack-name tags): teardown deletes none; list them under stacks:',
    )
  }
  return missing
}
