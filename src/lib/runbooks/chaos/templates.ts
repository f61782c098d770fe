import {AwsCallError} from '../../aws/errors.js'
import type {AwsPorts, ExperimentTemplate, ExperimentTemplateSummary, FisPort} from '../../aws/ports.js'
import {alarmNameOf, type StopAlarms} from '../../checks/chaos-gates.js'
import type {DrctlConfig} from '../../config/schema.js'
import {closest} from '../../config/suggest.js'
import {DrctlError} from '../../core/errors.js'
import {quote} from '../../core/quote.js'
import {declared, readsOnly} from '../../aws/iam-calls.js'

// FIS experiment templates as `drctl chaos` shows and selects them: only in fis.region, only with the topology's
// tags.

/** What listing and resolving templates calls (`chaos list`, `chaos start`). */
export const TEMPLATE_READS = {
  calls: readsOnly([
    declared('FIS', 'ListExperimentTemplates'),
    declared('FIS', 'GetExperimentTemplate', 'fis-templates'),
  ]),
}
/** A template's stop conditions, read before `chaos start`. */
export const STOP_ALARM_READS = {calls: readsOnly([declared('CloudWatch', 'DescribeAlarms')])}

export interface FisSettings {
  region: string
  templateTags: Record<string, string>
}

export function fisSettings(config: DrctlConfig): FisSettings {
  if (!config.fis) {
    throw new DrctlError('DRCTL_USAGE', `drctl.yaml of ${config.name} has no fis: section`, {
      hints: ['add `fis: {region: REGION, templateTags: {Env: prod}}`: the Region of the templates and their tags'],
    })
  }
  return config.fis
}

export interface ActionView {
  name: string
  actionId: string
  description?: string
  /** From the ISO-8601 `duration` parameter; absent for actions that take none (a failover, a reboot). */
  durationMs?: number
  startAfter: string[]
  /** Target key → target name. */
  targets: Record<string, string>
  parameters: Record<string, string>
}

export interface TargetView {
  name: string
  resourceType: string
  selectionMode: string
  /** `3 ARNs`, or the tags that select them. */
  resources: string
}

/** A template as the operator must see it before starting it. */
export interface TemplateView {
  id: string
  name: string
  description: string
  region: string
  tags: Record<string, string>
  roleArn?: string
  actions: ActionView[]
  targets: TargetView[]
  stopConditions: {source: string; value?: string}[]
  hasStopCondition: boolean
  /** The longest chain of action durations (startAfter); absent when no action has a duration. */
  expectedDurationMs?: number
}

/** ISO-8601 durations as FIS uses them (`PT10M`, `PT1H30M`, `P1D`), in milliseconds. */
export function parseIsoDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim())
  if (!match || /^P$|T$/i.test(text.trim())) return undefined
  const [, days, hours, minutes, seconds] = match
  return Math.round(
    (Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0)) * 1000,
  )
}

export const templateName = (template: {id: string; tags: Record<string, string>}) => template.tags.Name ?? template.id

const matchesTags = (tags: Record<string, string>, wanted: Record<string, string>) =>
  Object.entries(wanted).every(([key, value]) => tags[key] === value)

export const describeTags = (tags: Record<string, string>) =>
  Object.entries(tags)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ') || 'none'

export function templateView(template: ExperimentTemplate, region: string): TemplateView {
  const actions: ActionView[] = Object.entries(template.actions).map(([name, action]) => ({
    name,
    actionId: action.actionId,
    description: action.description,
    durationMs: action.parameters.duration ? parseIsoDuration(action.parameters.duration) : undefined,
    startAfter: action.startAfter,
    targets: action.targets,
    parameters: action.parameters,
  }))
  const stopConditions = template.stopConditions.filter((condition) => condition.source !== 'none')
  return {
    id: template.id,
    name: templateName(template),
    description: template.description,
    region,
    tags: template.tags,
    roleArn: template.roleArn,
    actions,
    targets: Object.entries(template.targets).map(([name, target]) => ({
      name,
      resourceType: target.resourceType,
      selectionMode: target.selectionMode,
      resources:
        target.resourceArns.length > 0
          ? `${target.resourceArns.length} ARN${target.resourceArns.length === 1 ? '' : 's'}`
          : Object.keys(target.resourceTags).length > 0
            ? `tags ${describeTags(target.resourceTags)}`
            : 'no ARNs or tags (filters or parameters only)',
    })),
    stopConditions: template.stopConditions,
    hasStopCondition: stopConditions.length > 0,
    expectedDurationMs: expectedDuration(actions),
  }
}

/** The longest path through the actions' startAfter graph, counting each action's duration. */
function expectedDuration(actions: ActionView[]): number | undefined {
  if (!actions.some((action) => action.durationMs !== undefined)) return undefined
  const byName = new Map(actions.map((action) => [action.name, action]))
  const memo = new Map<string, number>()
  const finish = (name: string, seen: Set<string>): number => {
    const known = memo.get(name)
    if (known !== undefined) return known
    const action = byName.get(name)
    // FIS rejects cycles; the guard only keeps a malformed template from looping here.
    if (!action || seen.has(name)) return 0
    const before = Math.max(0, ...action.startAfter.map((other) => finish(other, new Set([...seen, name]))))
    const total = before + (action.durationMs ?? 0)
    memo.set(name, total)
    return total
  }
  return Math.max(...actions.map((action) => finish(action.name, new Set())))
}

export interface TemplateListing {
  region: string
  templateTags: Record<string, string>
  templates: TemplateView[]
  /** Templates in the Region that do not carry the topology's tags (not shown, not startable). */
  hidden: number
}

/** The templates `drctl chaos` may start: in fis.region, carrying every fis.templateTags tag. */
export async function listTemplates(config: DrctlConfig, aws: AwsPorts): Promise<TemplateListing> {
  const {region, templateTags} = fisSettings(config)
  const fis = aws.fis(region)
  const summaries = await fis.listExperimentTemplates()
  const matching = summaries.filter((summary) => matchesTags(summary.tags, templateTags))
  const templates = await Promise.all(matching.map((summary) => readTemplate(fis, summary.id)))
  return {
    region,
    templateTags,
    templates: templates
      .map((template) => templateView(template, region))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    hidden: summaries.length - matching.length,
  }
}

/** The templates to choose from when none is named; none at all is a usage error. */
export async function templatesToChoose(config: DrctlConfig, aws: AwsPorts): Promise<TemplateView[]> {
  const listing = await listTemplates(config, aws)
  if (listing.templates.length === 0) {
    throw new DrctlError('DRCTL_USAGE', `no experiment template in ${listing.region} carries this topology's tags`, {
      hints: ['drctl chaos list shows what is there and which tags drctl.yaml asks for'],
    })
  }
  return listing.templates
}

async function readTemplate(fis: FisPort, id: string): Promise<ExperimentTemplate> {
  const template = await fis.getExperimentTemplate(id)
  if (!template) {
    throw new DrctlError('DRCTL_AWS_NOT_FOUND', `experiment template ${id} disappeared in ${fis.region}`, {
      hints: ['someone deleted it just now: list again with drctl chaos list'],
    })
  }
  return template
}

/**
 * A template named by its id, else by its exact `Name` tag, among the topology's templates (fis.region, tagged
 * with fis.templateTags). Everything else is a usage error that says why: unknown (with a suggestion), ambiguous,
 * not tagged for this topology, or living in another Region.
 */
export async function resolveTemplate(config: DrctlConfig, aws: AwsPorts, spec: string): Promise<TemplateView> {
  const {region, templateTags} = fisSettings(config)
  const fis = aws.fis(region)
  const summaries = await fis.listExperimentTemplates()
  const candidates = summaries.filter((summary) => matchesTags(summary.tags, templateTags))
  const byId = candidates.find((summary) => summary.id === spec)
  if (byId) return templateView(await readTemplate(fis, byId.id), region)
  const byName = candidates.filter((summary) => summary.tags.Name === spec)
  if (byName.length === 1) {
    return templateView(await readTemplate(fis, (byName[0] as ExperimentTemplateSummary).id), region)
  }
  if (byName.length > 1) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `template name ${quote(spec)} is ambiguous in ${region}: ${byName.length} templates carry it (${byName.map((summary) => summary.id).join(', ')})`,
      {hints: [`name one by its id: drctl chaos start ${byName[0]?.id}`]},
    )
  }
  const untagged = summaries.find((summary) => summary.id === spec || summary.tags.Name === spec)
  if (untagged) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `template ${templateName(untagged)} (${untagged.id}) in ${region} does not carry this topology's tags (${describeTags(templateTags)}); it has ${describeTags(untagged.tags)}`,
      {
        hints: [
          `drctl only starts templates tagged with every fis.templateTags entry of drctl.yaml, so that another environment's experiments cannot be started by mistake`,
        ],
      },
    )
  }
  const elsewhere = await findInOtherRegions(config, aws, region, spec)
  if (elsewhere) {
    throw new DrctlError(
      'DRCTL_USAGE',
      `template ${quote(spec)} is in ${elsewhere}, but drctl.yaml's fis.region is ${region}`,
      {
        hints: [
          `FIS templates, experiments and their stop-condition alarms live in one Region: use a template in ${region}, or change fis.region`,
        ],
      },
    )
  }
  const names = candidates.map((summary) => templateName(summary))
  const suggestion = closest(spec, [...names, ...candidates.map((summary) => summary.id)])
  throw new DrctlError(
    'DRCTL_USAGE',
    `no experiment template ${quote(spec)} in ${region} tagged ${describeTags(templateTags)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    {hints: [names.length > 0 ? `known: ${names.join(', ')}` : 'there is none: drctl chaos list shows what is there']},
  )
}

/** The other topology Region that has a template with this id or Name; Regions that do not answer are skipped. */
async function findInOtherRegions(
  config: DrctlConfig,
  aws: AwsPorts,
  fisRegion: string,
  spec: string,
): Promise<string | undefined> {
  const others = config.regions.filter((region) => region !== fisRegion)
  const found = await Promise.all(
    others.map(async (region) => {
      try {
        const summaries = await aws.fis(region).listExperimentTemplates()
        return summaries.some((summary) => summary.id === spec || summary.tags.Name === spec) ? region : undefined
      } catch {
        return undefined
      }
    }),
  )
  return found.find(Boolean)
}

/**
 * Reads the template's stop-condition alarms in its Region (where FIS requires them): an alarm that does not exist,
 * or never gets data, is no stop condition at all.
 */
export async function readStopAlarms(aws: AwsPorts, template: TemplateView): Promise<StopAlarms> {
  const arns = template.stopConditions.flatMap((condition) =>
    condition.source === 'aws:cloudwatch:alarm' && condition.value ? [condition.value] : [],
  )
  try {
    const found = await aws.cloudwatch(template.region).describeAlarms(arns.map(alarmNameOf))
    const stateOf = (arn: string) => found.find((alarm) => alarm.name === alarmNameOf(arn))?.state ?? 'missing'
    return {states: Object.fromEntries(arns.map((arn) => [arn, stateOf(arn)]))}
  } catch (error) {
    if (!(error instanceof AwsCallError)) throw error
    return {unreadable: error.message}
  }
}
