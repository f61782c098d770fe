import {mkdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {Journal, type JournalEvent} from '../../../src/lib/runbook/journal.js'
import {buildReport, listRunReports, type RunReport, writeReport} from '../../../src/lib/runbook/report.js'
import {CHART_DATE_FORMAT, mermaidText, renderTimelineChart} from '../../../src/lib/runbook/report-timeline-chart.js'
import {journalPath, runDirectory} from '../../../src/lib/runbook/runs.js'
import {tempHome} from '../../helpers/cli.js'

const {home, cleanup} = tempHome('drctl-report-')
afterAll(cleanup)

const at = (seconds: number) => new Date(Date.parse('2026-11-22T03:15:00.000Z') + seconds * 1000).toISOString()

/** The journal of a planned failover: gates (one warned), a switchover that waits, a traffic change, a verification. */
function failoverJournal(runId: string, options: {crashed?: boolean} = {}): JournalEvent[] {
  const events: JournalEvent[] = [
    {
      type: 'run-start',
      at: at(0),
      runId,
      kind: 'failover-planned',
      title: 'Planned failover of retail: us-east-1 → us-west-2 #1; 100%',
      topology: 'retail',
      topologyKey: 'sandbox:retail',
      configPath: '/x/drctl.yaml',
      sandbox: true,
      params: {},
      flags: {yes: true},
      // No process has this pid: the run is not being driven.
      pid: 2 ** 31 - 2,
      gates: [
        {id: 'gate.account', status: 'ok', message: 'acting as me'},
        {id: 'gate.aurora.orders-global.lag', status: 'ok', message: 'lag 300ms'},
        {id: 'gate.chaos', status: 'warn', message: 'FIS experiment(s) EXP1 running (allowed by --allow-chaos)'},
      ],
      plan: [
        {id: 'switchover.orders-global', title: 'Switch over orders-global: us-east-1 → orders-usw2', calls: []},
        {id: 'traffic', title: 'Set routing controls: retail-us-west-2 On; retail-us-east-1 Off', calls: []},
        {id: 'verify', title: 'Verify with a fresh observation of us-east-1, us-west-2', calls: []},
      ],
      notes: [],
      followUps: [],
      evidence: {rpo: {ms: 0, summary: '0 (switchover)'}},
      excludedRegions: [],
    },
    {type: 'step-start', at: at(0.5), step: 'switchover.orders-global'},
    {type: 'step-check', at: at(0.7), step: 'switchover.orders-global', state: 'pending'},
    {
      type: 'aws-call',
      at: at(1),
      step: 'switchover.orders-global',
      service: 'RDS',
      operation: 'SwitchoverGlobalCluster',
      region: 'us-east-1',
      mutating: true,
      requestId: 'req-1',
      durationMs: 120,
    },
    {type: 'step-wait', at: at(1.2), step: 'switchover.orders-global'},
    {type: 'milestone', at: at(42), step: 'switchover.orders-global', name: 'writes'},
    {type: 'step-end', at: at(42.5), step: 'switchover.orders-global', status: 'done', durationMs: 42_000},
    {type: 'step-start', at: at(42.6), step: 'traffic'},
    {type: 'milestone', at: at(44), step: 'traffic', name: 'traffic'},
    {type: 'step-end', at: at(44.1), step: 'traffic', status: 'done', durationMs: 1500},
    {type: 'step-start', at: at(44.2), step: 'verify'},
  ]
  if (options.crashed) return events
  return [
    ...events,
    {type: 'step-end', at: at(45), step: 'verify', status: 'done', durationMs: 800},
    {type: 'run-end', at: at(45.5), outcome: 'completed', exit: 0},
  ]
}

function journaled(runId: string, events: JournalEvent[]): string {
  const dir = runDirectory(home, runId)
  mkdirSync(dir, {recursive: true})
  const journal = new Journal(journalPath(home, runId))
  for (const event of events) journal.append(event)
  journal.close()
  return dir
}

const report = (runId = 'run-chart', options: {crashed?: boolean} = {}): RunReport =>
  buildReport(runId, runDirectory(home, runId), failoverJournal(runId, options))

/**
 * Task lines as Mermaid's gantt lexer reads them once entity codes (`#58;`) are set aside: a name without ':', '#',
 * ';' or '%', then `:[tag, ]id, start, duration`.
 */
const TASK =
  /^ {4}((?:[^#:;\n%]|#\d+;)+) :(?:(done|active|crit|milestone), )?([\w-]+), (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}), (\d+)ms$/

function sectionsOf(chart: string[]): Record<string, string[][]> {
  const sections: Record<string, string[][]> = {}
  let current = ''
  for (const line of chart.slice(6, -1)) {
    const section = /^ {4}section (.+)$/.exec(line)
    if (section) {
      current = section[1]!
      sections[current] = []
      continue
    }
    const task = TASK.exec(line)
    expect(task, `not a gantt task line: ${line}`).not.toBeNull()
    sections[current]!.push(task!.slice(1))
  }
  return sections
}

describe('the timeline chart of a report', () => {
  it('is a Mermaid gantt: dateFormat, sections, one task per step with its start and duration', () => {
    const chart = renderTimelineChart(report())
    expect(chart.slice(0, 6)).toEqual([
      '```mermaid',
      'gantt',
      `    title ${mermaidText('Planned failover of retail: us-east-1 → us-west-2 #1; 100% (UTC)')}`,
      `    dateFormat ${CHART_DATE_FORMAT}`,
      '    axisFormat %H:%M:%S',
      '    todayMarker off',
    ])
    expect(chart.at(-1)).toBe('```')
    const sections = sectionsOf(chart)
    expect(Object.keys(sections)).toEqual(['Gates', 'Steps', 'Waits for AWS', 'Milestones'])
    expect(sections.Steps).toEqual([
      ['Switch over orders-global#58; us-east-1 → orders-usw2', 'done', 'steps1', '2026-11-22 03:15:00.500', '42000'],
      [
        'Set routing controls#58; retail-us-west-2 On#59; retail-us-east-1 Off',
        'done',
        'steps2',
        '2026-11-22 03:15:42.600',
        '1500',
      ],
      ['Verify with a fresh observation of us-east-1, us-west-2', 'done', 'steps3', '2026-11-22 03:15:44.200', '800'],
    ])
    expect(sections['Waits for AWS']).toEqual([
      [
        'Switch over orders-global#58; us-east-1 → orders-usw2',
        undefined,
        'waits1',
        '2026-11-22 03:15:01.200',
        '41300',
      ],
    ])
    expect(sections.Gates).toEqual([
      ['2 gates passed, 1 warned', 'milestone', 'gates1', '2026-11-22 03:15:00.000', '0'],
      [
        'warn gate.chaos - FIS experiment(s) EXP1 running (allowed by --allow-chaos)',
        'milestone',
        'gates2',
        '2026-11-22 03:15:00.000',
        '0',
      ],
    ])
    expect(sections.Milestones).toEqual([
      ['writes in the target (+42s)', 'milestone', 'milestones1', '2026-11-22 03:15:42.000', '0'],
      ['traffic in the target (+44s)', 'milestone', 'milestones2', '2026-11-22 03:15:44.000', '0'],
    ])
  })

  it('writes as entity codes the characters Mermaid cannot take in a name, on one line', () => {
    expect(mermaidText('a:b #c; 50%%\n next')).toBe('a#58;b #35;c#59; 50#37;#37; next')
  })

  it('shows a step that never ended (a crash) as active until the last journaled event', () => {
    const steps = sectionsOf(renderTimelineChart(report('run-crashed', {crashed: true}))).Steps!
    expect(steps.at(-1)).toEqual([
      'Verify with a fresh observation of us-east-1, us-west-2',
      'active',
      'steps3',
      '2026-11-22 03:15:44.200',
      '0',
    ])
  })

  it('is drawn in report.md from report.json’s data alone', () => {
    const dir = journaled('run-written', failoverJournal('run-written'))
    const path = writeReport(dir, buildReport('run-written', dir, failoverJournal('run-written')))
    const fromJson = renderTimelineChart(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport)
    const markdown = readFileSync(path, 'utf8')
    expect(markdown).toContain(`## Timeline\n\n${fromJson.join('\n')}\n`)
  })
})

describe('the runs as reports', () => {
  it('carry the outcome figures: RTO, RPO evidence and where report.md is', () => {
    const dir = journaled('20261122-031500-failover-planned-retail-aaaa', failoverJournal('x'))
    writeReport(dir, buildReport('20261122-031500-failover-planned-retail-aaaa', dir, failoverJournal('x')))
    journaled('20261122-041500-failover-planned-retail-bbbb', failoverJournal('y', {crashed: true}))
    const listed = listRunReports(home).filter((run) => run.summary.id.startsWith('2026'))
    expect(
      listed.map(({summary, report, reportPath}) => ({
        id: summary.id,
        status: summary.status,
        rto: report.rtoSeconds,
        rpo: (report.evidence.rpo as {ms: number}).ms,
        reportPath,
      })),
    ).toEqual([
      {id: '20261122-041500-failover-planned-retail-bbbb', status: 'stopped', rto: 44, rpo: 0, reportPath: undefined},
      {
        id: '20261122-031500-failover-planned-retail-aaaa',
        status: 'completed',
        rto: 44,
        rpo: 0,
        reportPath: join(dir, 'report.md'),
      },
    ])
  })
})
