import {describe, expect, it} from 'vitest'

import {
  listTemplates,
  parseIsoDuration,
  readStopAlarms,
  resolveTemplate,
  templatesToChoose,
  templateView,
} from '../../../src/lib/runbooks/chaos/templates.js'
import {FakeAws} from '../../fakes/aws.js'
import {ALARM, config, failure, template, world} from './chaos-world.js'

describe('chaos templates', () => {
  it('parses FIS ISO-8601 durations', () => {
    expect(parseIsoDuration('PT10M')).toBe(600_000)
    expect(parseIsoDuration('PT1H30M')).toBe(5_400_000)
    expect(parseIsoDuration('PT45S')).toBe(45_000)
    expect(parseIsoDuration('P1D')).toBe(86_400_000)
    expect(parseIsoDuration('10m')).toBeUndefined()
    expect(parseIsoDuration('PT')).toBeUndefined()
  })

  it('shows actions with durations and order, targets, stop conditions and the expected length', () => {
    const view = templateView(template('EXT1', 'cross-region-connectivity'), 'us-east-1')
    expect(view.actions.map((action) => [action.name, action.durationMs, action.startAfter])).toEqual([
      ['DisruptRoutes', 600_000, []],
      ['PauseCarts', 300_000, ['DisruptRoutes']],
    ])
    expect(view.expectedDurationMs).toBe(900_000)
    expect(view.targets.map((target) => target.resources)).toEqual(['tags ChaosAllowed=true', '1 ARN'])
    expect(view.hasStopCondition).toBe(true)
    expect(
      templateView(template('EXT2', 'x', {stopConditions: [{source: 'none'}]}), 'us-east-1').hasStopCondition,
    ).toBe(false)
  })

  it('lists only the templates carrying the topology’s tags in fis.region', async () => {
    const listing = await listTemplates(config(), new FakeAws(world()))
    expect(listing.templates.map((view) => view.name)).toEqual(['cross-region-connectivity', 'pause-carts-replication'])
    expect(listing.hidden).toBe(1)
  })

  it('selects by id, else by exact Name tag', async () => {
    const aws = new FakeAws(world())
    expect((await resolveTemplate(config(), aws, 'EXT2')).name).toBe('pause-carts-replication')
    expect((await resolveTemplate(config(), aws, 'cross-region-connectivity')).id).toBe('EXT1')
  })

  it('refuses an unknown template with a suggestion and the known names (exit 2)', async () => {
    const error = await failure(resolveTemplate(config(), new FakeAws(world()), 'cross-region-conectivity'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toContain('did you mean "cross-region-connectivity"?')
    expect(error?.hints.join(' ')).toContain('pause-carts-replication')
  })

  it('refuses an ambiguous Name, listing the ids', async () => {
    const state = world()
    state.templates.push(template('EXT4', 'cross-region-connectivity'))
    const error = await failure(resolveTemplate(config(), new FakeAws(state), 'cross-region-connectivity'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toMatch(/ambiguous.*EXT1, EXT4/)
  })

  it('explains the tag filter for a template without the topology’s tags', async () => {
    const error = await failure(resolveTemplate(config(), new FakeAws(world()), 'EXT3'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toContain("does not carry this topology's tags (Env=test)")
  })

  it('names the Region of a template that lives outside fis.region', async () => {
    const error = await failure(resolveTemplate(config(), new FakeAws(world()), 'EXT9'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toBe(`template "EXT9" is in us-west-2, but drctl.yaml's fis.region is us-east-1`)
  })

  it('needs a fis: section', async () => {
    const error = await failure(resolveTemplate({...config(), fis: undefined}, new FakeAws(world()), 'EXT1'))
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.hints[0]).toContain('fis:')
  })

  it('offers the topology’s templates to choose from; none at all is a usage error', async () => {
    expect((await templatesToChoose(config(), new FakeAws(world()))).map((view) => view.id)).toEqual(['EXT1', 'EXT2'])
    const error = await failure(
      templatesToChoose({...config(), fis: {region: 'us-east-1', templateTags: {Env: 'none'}}}, new FakeAws(world())),
    )
    expect(error).toMatchObject({code: 'DRCTL_USAGE', exit: 2})
    expect(error?.message).toBe("no experiment template in us-east-1 carries this topology's tags")
  })
})

describe('stop-condition alarms', () => {
  const view = () => templateView(template('EXT1', 'cross-region-connectivity'), 'us-east-1')

  it('read the stop-condition alarms in the template’s Region; a refused read leaves them unknown', async () => {
    const state = world()
    state.alarms = {'us-east-1': [{name: 'checkout-errors', state: 'ALARM'}]}
    const aws = new FakeAws(state)
    expect(await readStopAlarms(aws, view())).toEqual({states: {[ALARM]: 'ALARM'}})
    expect(await readStopAlarms(new FakeAws(world()), view())).toEqual({states: {[ALARM]: 'missing'}})
    aws.fail('CloudWatch', 'us-east-1', {
      kind: 'access',
      message: 'not authorized to perform: cloudwatch:DescribeAlarms',
    })
    expect(await readStopAlarms(aws, view())).toEqual({unreadable: expect.stringContaining('DescribeAlarms')})
  })
})
