import {z} from 'zod'

import {formatDuration} from '../core/clock.js'
import {quote} from '../core/quote.js'
import {LIMITS} from './limits.js'
import {isRegionName, suggestRegion} from './regions.js'
import {crossCheckSteps, stepSchema} from './steps.js'
import {closest} from './suggest.js'

// Shapes of names and identifiers, checked before any AWS call so that typos fail fast and locally.
const ACCOUNT = /^\d{12}$/
const PARTITION = 'aws(-cn|-us-gov|-eusc|-iso(-[a-z])?)?'
const ARC_CLUSTER_ARN = new RegExp(`^arn:${PARTITION}:route53-recovery-control::\\d{12}:cluster/[A-Za-z0-9_-]+$`)
const ARC_PANEL_ARN = new RegExp(`^arn:${PARTITION}:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9_-]+$`)
const ARC_CONTROL_ARN = new RegExp(
  `^arn:${PARTITION}:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9_-]+/routingcontrol/[A-Za-z0-9_-]+$`,
)
const ARC_RULE_ARN = new RegExp(
  `^arn:${PARTITION}:route53-recovery-control::\\d{12}:controlpanel/[A-Za-z0-9_-]+/safetyrule/[A-Za-z0-9_-]+$`,
)
const RDS_CLUSTER_ARN = new RegExp(`^arn:${PARTITION}:rds:[a-z0-9-]+:\\d{12}:cluster:[a-zA-Z][a-zA-Z0-9-]*$`)
/** RDS identifiers: 1–63 letters, digits, hyphens; a letter first; no trailing or double hyphen. */
export const RDS_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}(?<!-)$/
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/
const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/
const TOPOLOGY_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/
/** A table or column as reconcile puts it into SQL unquoted: a plain identifier, a table optionally schema-qualified. */
const SQL_COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/
const SQL_TABLE = /^([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}$/
const SECRET_ARN = new RegExp(`^arn:${PARTITION}:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[A-Za-z0-9/_+=.@-]+$`)
const S3_URL = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?$/

const shaped = (pattern: RegExp, what: string) =>
  z.string().regex(pattern, {error: (issue) => `${quote(issue.input)} is not ${what}`})

/** What is wrong with a name that is not Region-shaped, with the closest known Region. */
function notARegionName(text: string): string {
  const suggestion = suggestRegion(text)
  return `${quote(text)} is not an AWS Region name ${suggestion ? `(did you mean ${quote(suggestion)}?)` : '(like us-east-1)'}`
}

const region = z.string().refine(isRegionName, {error: (issue) => notARegionName(String(issue.input))})
const rdsIdentifier = shaped(
  RDS_IDENTIFIER,
  'a valid RDS identifier (letters, digits, hyphens; a letter first)',
).transform(
  (id) => id.toLowerCase(), // RDS stores identifiers lowercase (runbook-spec §3.2-1)
)
const routingControlArn = shaped(ARC_CONTROL_ARN, 'a routing control ARN')
const safetyRuleArn = shaped(ARC_RULE_ARN, 'a safety rule ARN')
const profileName = z.string().min(1, {error: 'must not be empty'})

export const KEY_MESSAGE_SEPARATOR = '\n'

/** A strict object: unknown keys are errors, with a "did you mean" when one is close to a known key. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape)
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined
      // One message per key, in order: the loader splits them into one problem per key.
      return issue.keys
        .map((key) => {
          const suggestion = closest(key, known)
          return `unknown key${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`
        })
        .join(KEY_MESSAGE_SEPARATOR)
    },
  })
}

const safetyRule = strict({
  arn: safetyRuleArn,
  name: z.string().optional(),
  type: z.enum(['ASSERTION', 'GATING']),
  assertedControls: z.array(routingControlArn).optional(),
  gatingControls: z.array(routingControlArn).optional(),
  targetControls: z.array(routingControlArn).optional(),
  ruleConfig: strict({
    type: z.enum(['ATLEAST', 'AND', 'OR']),
    threshold: z.number().int().min(0),
    inverted: z.boolean().default(false),
  }),
  waitPeriodMs: z.number().int().min(0).optional(),
})

const sqlColumn = shaped(SQL_COLUMN, 'a plain SQL column name (letters, digits, underscores)')
const sqlTable = shaped(SQL_TABLE, 'a plain SQL table name (optionally schema.table)')
const dataApiSecretArn = shaped(SECRET_ARN, 'a Secrets Manager secret ARN (the database credentials the Data API uses)')

/** What `drctl reconcile` compares, through the RDS Data API, between the old primary's copy and the new primary. */
const reconcileSection = strict({
  secretArn: dataApiSecretArn,
  database: z.string().min(1, {error: 'must not be empty'}).optional(),
  tables: z
    .array(
      strict({
        name: sqlTable,
        key: z.array(sqlColumn).min(1, {error: 'name the key column(s) rows are matched on'}),
        updatedAt: sqlColumn.optional(),
      }),
    )
    .min(1, {error: 'list at least one table to compare'}),
})

/**
 * The application's heartbeat table, whose newest row tells how far a cluster's data reaches (measured RPO). Rows
 * are appended, never updated: the newest heartbeat written before a failover must survive the writes after it.
 */
const rpoSection = strict({
  heartbeatTable: sqlTable,
  heartbeatColumn: sqlColumn.default('ts'),
  /** The global clusters whose database holds the table (default: every one of aurora.globalClusters). */
  globalClusters: z.array(rdsIdentifier).optional(),
  /** The Data API's credentials; reconcile.secretArn when absent. */
  secretArn: dataApiSecretArn.optional(),
  database: z.string().min(1, {error: 'must not be empty'}).optional(),
})

export const DEFAULT_STATE_TABLE = 'drctl-state'

const atMost = (ms: number) => ({error: `must be at most ${ms} (${formatDuration(ms)})`})
const milliseconds = (fallback: number, ceiling: number) =>
  z.number().int().positive().max(ceiling, atMost(ceiling)).default(fallback)

export const configSchema = strict({
  version: z.literal(1, {error: 'expected 1 (the only config version so far)'}),
  name: shaped(TOPOLOGY_NAME, 'a topology name (lowercase letters, digits, hyphens)'),
  account: z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? 'expected a quoted 12-digit string (YAML drops leading zeros from numbers): account: "012345678901"'
          : undefined,
    })
    .regex(ACCOUNT, {error: (issue) => `${quote(issue.input)} is not a 12-digit AWS account id`})
    .optional(),
  regions: z.array(region).min(2, {error: 'a DR topology needs at least 2 Regions'}),
  profile: z
    .union([profileName, z.record(z.string(), profileName)], {
      error: 'expected a profile name, or a map of Region to profile name',
    })
    .optional(),
  aurora: strict({
    globalClusters: z.array(rdsIdentifier).default([]),
    replicas: z
      .array(
        strict({
          cluster: z.union([rdsIdentifier, shaped(RDS_CLUSTER_ARN, 'an RDS cluster ARN')], {
            error: 'expected an RDS cluster identifier or ARN',
          }),
          region,
        }),
      )
      .default([]),
  }).default({globalClusters: [], replicas: []}),
  dynamodb: strict({
    tables: z.array(shaped(TABLE_NAME, 'a DynamoDB table name')).default([]),
  }).default({tables: []}),
  arc: strict({
    clusterArn: shaped(ARC_CLUSTER_ARN, 'an ARC cluster ARN'),
    controlPanelArn: shaped(ARC_PANEL_ARN, 'an ARC control panel ARN').optional(),
    endpoints: z
      .array(strict({region, url: z.url({protocol: /^https?$/, error: 'expected an http(s) URL'})}))
      .default([]),
    routingControls: z.record(z.string(), z.union([routingControlArn, z.array(routingControlArn).min(1)])),
    safetyRules: z.array(safetyRule).default([]),
  }).optional(),
  fis: strict({
    region,
    templateTags: z.record(z.string(), z.string()).default({}),
  }).optional(),
  stacks: z.record(z.string(), z.array(shaped(STACK_NAME, 'a CloudFormation stack name'))).default({}),
  gates: strict({
    maxReplicationLagMs: z
      .number()
      .int()
      .min(0)
      .max(LIMITS.maxReplicationLagMs, atMost(LIMITS.maxReplicationLagMs))
      .default(5000),
  }).default({maxReplicationLagMs: 5000}),
  failover: strict({
    order: z.enum(['db-first', 'traffic-first']).default('db-first'),
  }).default({order: 'db-first'}),
  steps: z.array(stepSchema).default([]),
  reconcile: reconcileSection.optional(),
  rpo: rpoSection.optional(),
  // Where runs keep their lock and journal: this machine's $DRCTL_HOME, or a DynamoDB global table the team shares.
  state: strict({
    backend: z.enum(['local', 'dynamodb']).default('local'),
    table: shaped(TABLE_NAME, 'a DynamoDB table name').default(DEFAULT_STATE_TABLE),
    /** The table's replica Regions, the first its home (where locks are taken); the topology's Regions if absent. */
    regions: z.array(region).min(1, {error: 'list at least one Region for the state table'}).optional(),
    /** Where finished runs' reports are also stored, for colleagues on other machines (runbook/report-store.ts). */
    reports: shaped(S3_URL, 'an S3 URL of a bucket and an optional prefix (s3://bucket/prefix)').optional(),
  }).default({backend: 'local', table: DEFAULT_STATE_TABLE}),
  aws: strict({
    callTimeoutMs: milliseconds(10_000, LIMITS.callTimeoutMs),
    connectTimeoutMs: milliseconds(3000, LIMITS.connectTimeoutMs),
    arcEndpointTimeoutMs: milliseconds(2000, LIMITS.connectTimeoutMs),
    maxAttempts: z.number().int().min(1).max(10).default(3),
    endpoints: strict({
      rds: z.url().optional(),
      dynamodb: z.url().optional(),
      cloudwatch: z.url().optional(),
      cloudformation: z.url().optional(),
      sts: z.url().optional(),
      fis: z.url().optional(),
      'arc-control': z.url().optional(),
      ssm: z.url().optional(),
      route53: z.url().optional(),
      cloudfront: z.url().optional(),
      globalaccelerator: z.url().optional(),
      ecs: z.url().optional(),
      lambda: z.url().optional(),
      s3: z.url().optional(),
      'rds-data': z.url().optional(),
    }).default({}),
  }).default({
    callTimeoutMs: 10_000,
    connectTimeoutMs: 3000,
    arcEndpointTimeoutMs: 2000,
    maxAttempts: 3,
    endpoints: {},
  }),
})

export type DrctlConfig = z.output<typeof configSchema>
export type SafetyRuleConfig = z.output<typeof safetyRule>

/** Where a team keeps its runs' lock and journal (`state.backend: dynamodb`). */
export interface TeamState {
  table: string
  /** Replica Regions; the first is the home Region, where locks are taken unless a failover says otherwise. */
  regions: string[]
}

/** The team state store the config names, or undefined for this machine's $DRCTL_HOME. */
export function teamState(config: DrctlConfig): TeamState | undefined {
  if (config.state.backend !== 'dynamodb') return undefined
  return {table: config.state.table, regions: config.state.regions ?? config.regions}
}

/** The routing control ARNs of each Region, as lists (the config allows one ARN or several per Region). */
export function routingControlsByRegion(config: DrctlConfig): Record<string, string[]> {
  if (!config.arc) return {}
  return Object.fromEntries(
    Object.entries(config.arc.routingControls).map(([name, arns]) => [name, Array.isArray(arns) ? arns : [arns]]),
  )
}

type Path = (string | number)[]

export interface CrossCheckProblem {
  path: Path
  message: string
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [])

/**
 * Checks that span several keys (duplicates, Regions used but not listed). Runs on the raw document, so that these
 * problems are reported together with shape errors instead of only after them.
 */
export function crossCheck(raw: unknown): CrossCheckProblem[] {
  const problems: CrossCheckProblem[] = []
  const root = asRecord(raw) ?? {}
  const regions = asArray(root.regions).filter((value): value is string => typeof value === 'string')
  const listed = new Set(regions)
  const duplicates = (values: unknown[], path: Path, what: string) => {
    const seen = new Set<string>()
    values.forEach((value, index) => {
      if (typeof value !== 'string') return
      const key = value.toLowerCase()
      if (seen.has(key)) problems.push({path: [...path, index], message: `duplicate ${what} ${quote(value)}`})
      seen.add(key)
    })
  }
  const requireListed = (name: unknown, path: Path) => {
    if (typeof name !== 'string' || !isRegionName(name)) {
      if (typeof name === 'string') problems.push({path, message: notARegionName(name)})
      return
    }
    if (listed.has(name)) return
    const suggestion = suggestRegion(name, regions)
    problems.push({
      path,
      message: `Region ${quote(name)} is not listed in regions${suggestion ? ` (did you mean ${quote(suggestion)}?)` : ''}`,
    })
  }
  const keysListed = (value: unknown, path: Path) => {
    for (const name of Object.keys(asRecord(value) ?? {})) requireListed(name, [...path, name])
  }

  duplicates(asArray(root.regions), ['regions'], 'Region')
  keysListed(root.profile, ['profile'])
  keysListed(root.stacks, ['stacks'])
  const aurora = asRecord(root.aurora)
  duplicates(asArray(aurora?.globalClusters), ['aurora', 'globalClusters'], 'global cluster')
  asArray(aurora?.replicas).forEach((replica, index) =>
    requireListed(asRecord(replica)?.region, ['aurora', 'replicas', index, 'region']),
  )
  duplicates(asArray(asRecord(root.dynamodb)?.tables), ['dynamodb', 'tables'], 'table')
  duplicates(asArray(asRecord(root.state)?.regions), ['state', 'regions'], 'Region')
  const fis = asRecord(root.fis)
  if (fis && 'region' in fis) requireListed(fis.region, ['fis', 'region'])
  const arc = asRecord(root.arc)
  keysListed(arc?.routingControls, ['arc', 'routingControls'])
  duplicates(
    asArray(arc?.endpoints).map((endpoint) => asRecord(endpoint)?.url),
    ['arc', 'endpoints'],
    'endpoint URL',
  )
  const globalClusters = asArray(aurora?.globalClusters).filter((value): value is string => typeof value === 'string')
  const rpo = asRecord(root.rpo)
  asArray(rpo?.globalClusters).forEach((id, index) => {
    if (typeof id === 'string' && !globalClusters.some((listed) => listed.toLowerCase() === id.toLowerCase()))
      problems.push({
        path: ['rpo', 'globalClusters', index],
        message: `${quote(id)} is not one of aurora.globalClusters`,
      })
  })
  if (rpo && !('secretArn' in rpo) && !asRecord(root.reconcile)?.secretArn) {
    problems.push({
      path: ['rpo', 'secretArn'],
      message:
        'name the Secrets Manager secret the Data API reads the heartbeat table with (or set reconcile.secretArn)',
    })
  }
  problems.push(
    ...crossCheckSteps(
      asArray(root.steps),
      regions,
      globalClusters.map((id) => id.toLowerCase()),
    ),
  )
  return problems
}
