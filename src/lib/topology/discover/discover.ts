import {declaredEach, readsOnly} from '../../aws/iam-calls.js'
import type {AwsPorts} from '../../aws/ports.js'
import {
  type DiscoveredFile,
  type DiscoveredSection,
  type DiscoveredSettings,
  discoveredConfigFile,
  missingFromConfig,
} from '../../config/discovered.js'
import {type Clock, systemClock} from '../../core/clock.js'
import type {ProgressListener} from '../../core/events.js'
import {KeyedLimiter} from '../limiter.js'
import {RegionReader} from '../region-reader.js'
import {discoverArcSection} from './arc.js'
import {discoverAurora, discoverDynamoDb} from './databases.js'
import {discoverFis} from './fis.js'
import type {DiscoverContext, Finding, SectionResult} from './findings.js'
import {discoverStacks} from './stacks.js'
import {discoverSteps} from './steps.js'

/** What discovery lists and describes (it then checks the file as `status` does: config init needs that too). */
export const DISCOVERY_READS = {
  calls: readsOnly(
    declaredEach('RDS', [
      'DescribeGlobalClusters',
      'DescribeDBClusters',
      'DescribeDBProxies',
      'DescribeDBProxyTargets',
    ]),
    declaredEach('DynamoDB', ['ListTables', 'DescribeTable', 'ListTagsOfResource']),
    declaredEach('ARC control', ['ListClusters']),
    declaredEach('FIS', ['ListExperimentTemplates', 'GetExperimentTemplate']),
    declaredEach('CloudFormation', ['DescribeStacks']),
    declaredEach('Route 53', ['ListHostedZones', 'ListResourceRecordSets']),
    declaredEach('CloudFront', ['ListDistributions']),
    declaredEach('Global Accelerator', ['ListAccelerators', 'ListListeners', 'ListEndpointGroups']),
    declaredEach('ECS', ['ListClusters', 'ListServices']),
    declaredEach('SSM', ['GetParametersByPath']),
  ),
}

export interface DiscoverOptions {
  regions: string[]
  /** The sections to write; FIS and stacks also read the databases they are recognised by. */
  sections: DiscoveredSection[]
  /** Concurrent calls per service and Region. */
  concurrency?: number
  clock?: Clock
  emit?: ProgressListener
}

/** What `drctl config init --discover` found in an account: the settings to write and every row found or skipped. */
export interface Discovery {
  settings: Omit<DiscoveredSettings, 'name' | 'profile'>
  found: Finding[]
  skipped: Finding[]
  /** Regions in which nothing of the sections asked for was found. */
  empty: string[]
  /** Regions outside the topology's that hold members of what was found. */
  elsewhere: string[]
}

/** A discovery, the drctl.yaml written from it (validated) and what that file still lacks. */
export interface DiscoveredConfig {
  discovery: Discovery
  file: DiscoveredFile
  missing: string[]
}

/** Discovers the topology and writes its drctl.yaml text: `drctl config init --discover`. */
export async function discoverConfig(
  aws: AwsPorts,
  options: DiscoverOptions & {name: string; profile?: string; header: string[]},
): Promise<DiscoveredConfig> {
  const discovery = await discoverAccount(aws, options)
  const file = discoveredConfigFile({...discovery.settings, name: options.name, profile: options.profile}, [
    ...options.header,
    ...(discovery.settings.account ? [`Read from account ${discovery.settings.account}.`] : []),
  ])
  return {discovery, file, missing: missingFromConfig(file.config, options.sections)}
}

const LABELS: Record<DiscoveredSection, string> = {
  aurora: 'Aurora global clusters and binlog replicas',
  dynamodb: 'DynamoDB global tables',
  arc: 'ARC clusters, control panels and routing controls',
  fis: 'FIS experiment templates',
  stacks: 'CloudFormation stacks',
  steps: 'application steps (Route 53, CloudFront, Global Accelerator, RDS Proxy, ECS, SSM)',
}

/**
 * Reads an account, read-only, for the DR topology across `regions`: every service at once, bounded per service and
 * Region, each section's progress reported as a task. Nothing here throws for an AWS failure: what could not be
 * read is a skipped row naming why (the missing IAM action when access was denied).
 */
async function discoverAccount(aws: AwsPorts, options: DiscoverOptions): Promise<Discovery> {
  const {regions, sections} = options
  const reader = new RegionReader(regions, new KeyedLimiter(options.concurrency ?? 4), options.clock ?? systemClock)
  const asked = (section: DiscoveredSection) => sections.includes(section)
  const context: DiscoverContext = {aws, reader, regions, readTags: asked('stacks') || asked('fis')}
  const where = ` in ${regions.join(', ')}`
  const task = async <T extends SectionResult>(section: DiscoveredSection, read: () => Promise<T>): Promise<T> => {
    const id = `discover-${section}`
    options.emit?.({type: 'task-start', id, title: `Reading ${LABELS[section]}${section === 'arc' ? '' : where}`})
    const result = await read()
    const denied = result.skipped.flatMap((row) => (row.missingAction ? [row.missingAction] : []))
    options.emit?.({
      type: 'task-end',
      id,
      status: 'done',
      message: [
        `${result.found.length} found`,
        ...(denied.length ? [`no access: ${[...new Set(denied)].join(', ')}`] : []),
      ].join('; '),
    })
    return result
  }
  // FIS templates and stacks are recognised by the databases they target and hold.
  const byDatabases = asked('fis') || asked('stacks') || asked('steps')
  const [identity, aurora, dynamodb, arc] = await Promise.all([
    reader.first('sts', regions, (region) => aws.sts(region).getCallerIdentity()),
    asked('aurora') || byDatabases ? task('aurora', () => discoverAurora(context)) : undefined,
    asked('dynamodb') || byDatabases ? task('dynamodb', () => discoverDynamoDb(context)) : undefined,
    asked('arc') ? task('arc', () => discoverArcSection(context)) : undefined,
  ])
  const resources = [...(aurora?.resources ?? []), ...(dynamodb?.resources ?? [])]
  const [fis, stacks, steps] = await Promise.all([
    asked('fis') ? task('fis', () => discoverFis(context, resources)) : undefined,
    asked('stacks') ? task('stacks', () => discoverStacks(context, resources)) : undefined,
    asked('steps') ? task('steps', () => discoverSteps(context, aurora?.members ?? [])) : undefined,
  ])
  await reader.settled()

  const results: Partial<Record<DiscoveredSection, SectionResult>> = {aurora, dynamodb, arc, fis, stacks, steps}
  const found = sections.flatMap((section) => results[section]?.found ?? [])
  const skipped = [
    ...(identity.ok
      ? []
      : [
          {
            section: 'account' as const,
            kind: 'account',
            name: '—',
            regions: [],
            detail: `not pinned: ${identity.error.action ? `no access: ${identity.error.action}` : identity.error.message}`,
            ...(identity.error.action ? {missingAction: identity.error.action} : {}),
          },
        ]),
    ...Object.values(results).flatMap((result) => result?.skipped ?? []),
  ]
  return {
    settings: {
      account: identity.ok ? identity.value.account : undefined,
      regions,
      sections,
      aurora: {globalClusters: aurora?.globalClusters ?? [], replicas: aurora?.replicas ?? []},
      dynamodb: {tables: dynamodb?.tables ?? []},
      arc: arc?.arc,
      fis: fis?.fis,
      stacks: stacks?.stacks ?? {},
      steps: steps?.steps ?? [],
      notes: Object.fromEntries(sections.map((section) => [section, results[section]?.notes ?? []])),
    },
    found,
    skipped,
    empty: regions.filter((region) => !found.some((row) => row.regions.includes(region))),
    elsewhere: [...new Set(Object.values(results).flatMap((result) => result?.elsewhere ?? []))],
  }
}
