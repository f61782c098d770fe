/**
 * Reports in S3 on the sandbox: a run in one operator's home ($DRCTL_HOME) stores its report in the team's bucket,
 * and `runs show` in another home, sharing the sandbox world ($DRCTL_SANDBOX_HOME), reads it from there.
 */
import {appendFileSync, copyFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {mutateWorld, readWorld} from '../../src/lib/sandbox/index.js'
import {tempHome} from '../helpers/cli.js'
import {drctl, json, sandboxHome} from '../helpers/e2e.js'
import {commandPolicy, policyFile} from '../helpers/iam.js'

const shared = {home: '', cleanup: () => {}}
const ana = tempHome('drctl-ana-')
const bo = tempHome('drctl-bo-')
const cy = tempHome('drctl-cy-')
const config = (name: string, state: string) => {
  const path = join(shared.home, name)
  copyFileSync(join(shared.home, 'sandbox', 'drctl.yaml'), path)
  appendFileSync(path, `state:\n${state}`)
  return path
}
let team = ''
let reportsOnly = ''
let noBucket = ''

beforeAll(async () => {
  Object.assign(shared, await sandboxHome({timeScale: 0.01}))
  team = config('team.yaml', '  backend: dynamodb\n  table: drctl-state\n  reports: s3://team-reports/drctl\n')
  reportsOnly = config('reports.yaml', '  reports: s3://team-reports/drctl\n')
  noBucket = config('no-bucket.yaml', '  reports: s3://no-such-bucket/drctl\n')
})
afterAll(() => {
  for (const home of [shared, ana, bo, cy]) home.cleanup()
})

const as = (who: {home: string}, args: string[]) => drctl(who.home, args, {DRCTL_SANDBOX_HOME: shared.home})
const routingSet = (configPath: string, state: 'on' | 'off') =>
  as(ana, ['routing', 'set', 'retail-us-west-2', state, '-c', configPath, '--yes', '--json'])
const objectKeys = async () =>
  Object.keys(
    (await readWorld(shared.home))?.s3.buckets.find((bucket) => bucket.name === 'team-reports')?.objects ?? {},
  )

describe('reports in S3, two homes', () => {
  it('state init says whether the reports bucket is there, and in which Region', async () => {
    const missing = as(ana, ['state', 'init', '-c', team, '--dry-run', '--json'])
    expect(missing.status, missing.stderr).toBe(0)
    expect(json(missing).result.reports).toEqual({
      url: 's3://team-reports/drctl',
      problem: 'the reports bucket team-reports does not exist',
    })
    await mutateWorld(shared.home, (world) => {
      world.s3.buckets.push({name: 'team-reports', region: 'us-west-2', createdAt: Date.now(), objects: {}})
    })
    const created = as(ana, ['state', 'init', '-c', team, '--yes', '--json'])
    expect(created.status, created.stderr).toBe(0)
    expect(json(created).result.reports).toEqual({url: 's3://team-reports/drctl', region: 'us-west-2'})
  })

  it('a run in one home stores its report; runs show in another home shows it from the bucket', async () => {
    const result = routingSet(team, 'on')
    expect(result.status, result.stdout).toBe(0)
    const runId = json(result).result.runId as string
    const url = `s3://team-reports/drctl/retail/${runId}/report.md`
    expect(json(result).result.reportUrl).toBe(url)
    expect(await objectKeys()).toEqual(
      expect.arrayContaining([`drctl/retail/${runId}/report.json`, `drctl/retail/${runId}/report.md`]),
    )

    // Bo has the journal from the table but no report.md: the report path is the bucket's.
    const shown = as(bo, ['runs', 'show', runId, '-c', team, '--json'])
    expect(shown.status, shown.stderr).toBe(0)
    expect(json(shown).result).toMatchObject({runId, outcome: 'completed', reportPath: url})
    expect(existsSync(join(bo.home, 'runs', runId, 'report.md'))).toBe(false)

    // Cy's drctl.yaml names no table, only the bucket: the run is known from its report alone.
    const fromBucket = as(cy, ['runs', 'show', runId, '-c', reportsOnly])
    expect(fromBucket.status, fromBucket.stderr).toBe(0)
    expect(fromBucket.stdout).toContain(runId)
    expect(json(as(cy, ['runs', 'show', 'no-such-run', '-c', reportsOnly, '--json'])).error).toMatchObject({
      message: 'no run with id no-such-run',
    })
    // Ana, who ran it, reads her own report.md.
    expect(json(as(ana, ['runs', 'show', runId, '-c', team, '--json'])).result.reportPath).toBe(
      join(ana.home, 'runs', runId, 'report.md'),
    )
  })

  it('a report that cannot be stored is a warning naming the local path; the run succeeds', () => {
    const result = routingSet(noBucket, 'off')
    expect(result.status, result.stdout).toBe(0)
    const {result: run, warnings} = json(result)
    expect(run.reportUrl).toBeUndefined()
    expect(warnings).toContainEqual(
      `run ${run.runId}: its report was not stored in s3://no-such-bucket (the reports bucket no-such-bucket does ` +
        `not exist); it is at ${join(ana.home, 'runs', run.runId, 'report.md')}`,
    )
  })

  it("runs abandon stores the abandoned run's report too", async () => {
    // Without the permission to change routing controls: the run stops at its change, unfinished.
    const update = 'route53-recovery-cluster:UpdateRoutingControlStates'
    const cut = commandPolicy(shared.home, 'routing set')
    for (const statement of cut.Statement) statement.Action = statement.Action.filter((action) => action !== update)
    const stopped = drctl(
      ana.home,
      ['routing', 'set', 'retail-us-west-2', 'on', '-c', reportsOnly, '--yes', '--json'],
      {
        DRCTL_SANDBOX_HOME: shared.home,
        DRCTL_SANDBOX_POLICY: policyFile(shared.home, 'cut', cut),
      },
    )
    expect(json(stopped).error.message).toMatch(
      /^missing permission route53-recovery-cluster:UpdateRoutingControlStates/,
    )
    const runId = json(stopped).result.runId as string
    const abandoned = as(ana, ['runs', 'abandon', runId, '-c', reportsOnly, '--yes', '--json'])
    expect(abandoned.status, abandoned.stderr).toBe(0)
    expect(json(abandoned).result).toEqual({
      runId,
      status: 'abandoned',
      reportUrl: `s3://team-reports/drctl/retail/${runId}/report.md`,
    })
    expect(await objectKeys()).toContain(`drctl/retail/${runId}/report.md`)
  })

  it('bad state.reports: a one-line error at its path, exit 2', () => {
    const bad = config('bad.yaml', '  reports: https://team-reports/drctl\n')
    const shown = as(ana, ['status', '-c', bad])
    expect(shown.status).toBe(2)
    expect(shown.stderr).toContain(
      'state.reports: "https://team-reports/drctl" is not an S3 URL of a bucket and an optional prefix (s3://bucket/prefix)',
    )
  })
})
