import type {ExperimentTemplate, ExperimentTemplateSummary} from '../../aws/ports.js'
import {
  chosenTags,
  type DiscoverContext,
  type DiscoveredResource,
  readEveryRegion,
  type SectionResult,
  unreadableFinding,
} from './findings.js'

export interface FisDiscovery extends SectionResult {
  fis?: {region: string; templateTags: Record<string, string>}
}

interface Recognised {
  template: ExperimentTemplate
  region: string
  why: string
}

const describeTags = (tags: Record<string, string>) =>
  Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ')

const templateName = (template: ExperimentTemplateSummary) =>
  template.tags.Name ? `${template.tags.Name} (${template.id})` : template.id

/**
 * FIS experiment templates that target the discovered resources (by ARN, or by tags those resources carry) or are
 * tagged with every tag the resources share. drctl.yaml names one Region of templates and the tags that select
 * them: the Region holding the most recognised templates, and the tags they all carry.
 */
export async function discoverFis(
  {aws, reader, regions}: DiscoverContext,
  resources: DiscoveredResource[],
): Promise<FisDiscovery> {
  const result: FisDiscovery = {found: [], skipped: [], notes: []}
  const listed = await readEveryRegion(
    {reader, regions},
    'fis',
    (region) => aws.fis(region).listExperimentTemplates(),
    {
      section: 'fis',
      kind: 'FIS templates',
      skipped: result.skipped,
    },
  )
  const templates = await Promise.all(
    listed.flatMap(({region, value}) =>
      value.map(async (summary) => ({
        region,
        summary,
        read: await reader.read('fis', region, () => aws.fis(region).getExperimentTemplate(summary.id)),
      })),
    ),
  )
  const shared = sharedTags(resources)
  const recognised: Recognised[] = []
  const unrelated = new Map<string, number>()
  for (const {region, summary, read} of templates) {
    if (!read.ok) {
      result.skipped.push({
        ...unreadableFinding('fis', 'FIS template', [region], read.error),
        name: templateName(summary),
      })
      continue
    }
    const why = read.value && recognise(read.value, resources, shared)
    if (read.value && why) recognised.push({template: read.value, region, why})
    else unrelated.set(region, (unrelated.get(region) ?? 0) + 1)
  }
  for (const [region, count] of unrelated) {
    result.skipped.push({
      section: 'fis',
      kind: 'FIS template',
      name: `${count} other${count === 1 ? '' : 's'}`,
      regions: [region],
      detail: 'target none of these resources',
    })
  }
  if (recognised.length === 0) return result

  // The Region with the most recognised templates; the topology's order breaks a tie.
  const region = regions.reduce((best, candidate) =>
    count(recognised, candidate) > count(recognised, best) ? candidate : best,
  )
  const chosen = recognised.filter((entry) => entry.region === region)
  const templateTags = chosen
    .map((entry) => chosenTags(entry.template.tags))
    .reduce((common, tags) => Object.fromEntries(Object.entries(common).filter(([key, value]) => tags[key] === value)))
  result.fis = {region, templateTags}
  for (const entry of recognised) {
    const row = {
      section: 'fis' as const,
      kind: 'FIS template',
      name: templateName(entry.template),
      regions: [entry.region],
    }
    if (entry.region === region) result.found.push({...row, detail: entry.why})
    else result.skipped.push({...row, detail: `${entry.why}; fis.region holds one Region's templates (${region})`})
  }
  const selected = templates.filter(
    (entry) => entry.region === region && matchesAll(entry.summary.tags, templateTags),
  ).length
  result.notes.push(
    ...chosen.map((entry) => `${templateName(entry.template)}: ${entry.why}`),
    Object.keys(templateTags).length === 0
      ? `these templates share no tag: every template in ${region} can be started; tag them and set templateTags`
      : `templateTags are the tags they all carry (${describeTags(templateTags)})${selected > chosen.length ? `; they also select ${selected - chosen.length} other template(s)` : ''}`,
  )
  return result
}

function count(recognised: Recognised[], region: string): number {
  return recognised.filter((entry) => entry.region === region).length
}

/** Why a template belongs to the topology, or `undefined`. */
function recognise(
  template: ExperimentTemplate,
  resources: DiscoveredResource[],
  shared: Record<string, string>,
): string | undefined {
  const byArn = new Map(resources.map((resource) => [resource.arn, resource]))
  const targeted = new Set<string>()
  for (const target of Object.values(template.targets)) {
    for (const arn of target.resourceArns) {
      const resource = byArn.get(arn)
      if (resource) targeted.add(resource.name)
    }
    if (Object.keys(target.resourceTags).length === 0) continue
    for (const resource of resources) {
      if (resource.type === target.resourceType && resource.tags && matchesAll(resource.tags, target.resourceTags)) {
        targeted.add(resource.name)
      }
    }
  }
  if (targeted.size > 0) return `targets ${[...targeted].join(', ')}`
  if (Object.keys(shared).length > 0 && matchesAll(template.tags, shared)) return `tagged ${describeTags(shared)}`
  return undefined
}

/** The tags (chosen by a person) every resource whose tags were read carries; none when no tags were read. */
function sharedTags(resources: DiscoveredResource[]): Record<string, string> {
  const tagged = resources.flatMap((resource) => (resource.tags ? [chosenTags(resource.tags)] : []))
  if (tagged.length === 0) return {}
  return tagged.reduce((common, tags) =>
    Object.fromEntries(Object.entries(common).filter(([key, value]) => tags[key] === value)),
  )
}

function matchesAll(tags: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => tags[key] === value)
}
