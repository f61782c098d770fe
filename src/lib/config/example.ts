import {access, writeFile} from 'node:fs/promises'

import {DrctlError} from '../core/errors.js'
import {LIMITS} from './limits.js'
import {replaceFile} from './update.js'

/**
 * The annotated drctl.yaml that `drctl config init` writes: one two-Region topology with every section, each key
 * explained where it appears. Its account, ARNs and names are placeholders the operator replaces.
 */
export const EXAMPLE_CONFIG = `# drctl.yaml — one multi-Region topology. drctl validates this file before it makes any AWS call:
#   drctl config validate     (exit 0 when valid, 2 with every problem listed by path)
#   drctl config show --json  (the resolved config, defaults filled in)
# The account, ARNs, names and Regions below are placeholders: replace them with your own.
version: 1

# Shown in confirmations, run ids and reports. Lowercase letters, digits, hyphens.
name: retail

# Optional pin: drctl refuses to act when the credentials belong to another account. Quote it (leading zeros).
account: '123456789012'

# The Regions of this topology, 2 or more. The first is "home": where writes and traffic live normally.
regions: [us-east-1, us-west-2]

# Optional AWS profile (SSO, assume-role and credential_process profiles all work). \`--profile\` overrides it.
# Per-Region profiles are allowed too:  profile: {us-east-1: dr-east, us-west-2: dr-west}
profile: dr-operator

aurora:
  # Aurora Global Database identifiers. Members, roles and Regions are discovered live, never assumed.
  globalClusters: [orders-global, catalog-global]
  # Cross-Region binlog read-replica clusters (not global databases), each in the Region it lives in.
  replicas: []
  #  - {cluster: reports-replica, region: us-west-2}

dynamodb:
  # DynamoDB global tables (version 2019.11.21). Replicas are discovered live.
  tables: [carts]

arc:
  # Route 53 ARC cluster. \`drctl routing endpoints --save\` fills endpoints, controlPanelArn and safetyRules
  # from the control plane (us-west-2), so that a DR run never depends on the control plane's Region.
  clusterArn: arn:aws:route53-recovery-control::123456789012:cluster/0a1b2c3d
  controlPanelArn: arn:aws:route53-recovery-control::123456789012:controlpanel/4e5f6a7b
  endpoints:
    - {region: us-east-1, url: https://host-aaaaaa.us-east-1.example.com/v1}
    - {region: us-west-2, url: https://host-bbbbbb.us-west-2.example.com/v1}
    - {region: eu-west-1, url: https://host-cccccc.eu-west-1.example.com/v1}
    - {region: ap-northeast-1, url: https://host-dddddd.ap-northeast-1.example.com/v1}
    - {region: ap-southeast-2, url: https://host-eeeeee.ap-southeast-2.example.com/v1}
  # The routing control(s) that send traffic to each Region (one ARN, or a list).
  routingControls:
    us-east-1: arn:aws:route53-recovery-control::123456789012:controlpanel/4e5f6a7b/routingcontrol/1111aaaa
    us-west-2: arn:aws:route53-recovery-control::123456789012:controlpanel/4e5f6a7b/routingcontrol/2222bbbb
  # Cached safety rules, so drctl can explain a block before AWS refuses the change.
  safetyRules:
    - arn: arn:aws:route53-recovery-control::123456789012:controlpanel/4e5f6a7b/safetyrule/3333cccc
      name: at-least-one-region-on
      type: ASSERTION
      assertedControls:
        - arn:aws:route53-recovery-control::123456789012:controlpanel/4e5f6a7b/routingcontrol/1111aaaa
        - arn:aws:route53-recovery-control::123456789012:controlpanel/4e5f6a7b/routingcontrol/2222bbbb
      ruleConfig: {type: ATLEAST, threshold: 1, inverted: false}
      waitPeriodMs: 5000

fis:
  # The Region holding the game-day experiment templates, and the tags that select this topology's templates.
  region: us-east-1
  templateTags: {Env: prod}

# CloudFormation stacks per Region (status is reported; teardown deletes them, secondary Regions first).
stacks:
  us-east-1: [retail-app-use1]
  us-west-2: [retail-app-usw2]

gates:
  # A planned failover refuses to start while any target's replication lag is above this (at most ${LIMITS.maxReplicationLagMs}).
  maxReplicationLagMs: 5000

failover:
  # db-first: switch the databases, then traffic. traffic-first: traffic, then the databases.
  order: db-first

# Where runs keep their lock and journal. local: this machine's $DRCTL_HOME. dynamodb: a global table the team
# shares (create it with drctl state init), so a colleague sees, resumes and approves a run from their machine.
state:
  backend: local
  # table: drctl-state
  # regions: [us-east-1, us-west-2]   # replica Regions, the first is home; the topology's Regions if absent

aws:
  # Every AWS call has a deadline (at most ${LIMITS.callTimeoutMs}); an unreachable Region is reported, never waited on forever.
  callTimeoutMs: 10000
  connectTimeoutMs: 3000 # at most ${LIMITS.connectTimeoutMs}
  # Per ARC cluster endpoint (at most ${LIMITS.connectTimeoutMs}): a dead endpoint is abandoned quickly for the next one.
  arcEndpointTimeoutMs: 2000
  maxAttempts: 3
  # Optional endpoint overrides per service (VPC endpoints, test doubles). AWS_ENDPOINT_URL_* also work.
  endpoints: {}
`

/** What to do with the example once written. */
const EXAMPLE_NEXT = [
  'replace the placeholder account, ARNs, names and Regions with your own',
  'drctl routing endpoints --save   (ARC endpoints, routing controls and safety rules from the control plane)',
  'drctl config validate            (every problem listed by path)',
  'drctl status                     (the live posture)',
]

/** Writes the example to `path`; an existing file is kept unless `force`. */
export async function writeExampleConfig(path: string, options: {force: boolean}) {
  const {overwritten} = await writeNewConfig(path, EXAMPLE_CONFIG, options)
  return {path, written: true, overwritten, next: EXAMPLE_NEXT}
}

/**
 * Writes a new drctl.yaml to `path`. An existing file is kept unless `force` (the exclusive create makes "does it
 * exist?" and the write one step); a forced write replaces the file atomically.
 */
export async function writeNewConfig(
  path: string,
  text: string,
  options: {force: boolean},
): Promise<{overwritten: boolean}> {
  try {
    if (!options.force) {
      await writeFile(path, text, {flag: 'wx'})
      return {overwritten: false}
    }
    return {overwritten: await replaceFile(path, text)}
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw alreadyExists(path)
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DrctlError('DRCTL_USAGE', `cannot write ${path}: its directory does not exist`)
    }
    throw new DrctlError('DRCTL_USAGE', `cannot write ${path}: ${code ?? String(error)}`, {
      hints: ['check that the directory is writable'],
    })
  }
}

/** Refuses up front what writeNewConfig would refuse at the end: a slow discovery must not end in "already exists". */
export async function refuseExistingConfig(path: string, options: {force: boolean}): Promise<void> {
  if (options.force) return
  const exists = await access(path).then(
    () => true,
    () => false,
  )
  if (exists) throw alreadyExists(path)
}

function alreadyExists(path: string): DrctlError {
  return new DrctlError('DRCTL_USAGE', `${path} already exists; drctl config init leaves it as it is`, {
    hints: ['--force replaces it, --config PATH writes elsewhere, --print writes to stdout'],
  })
}
