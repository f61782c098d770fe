import type {RunReport} from './report.js'

/** The chart's dateFormat: every time in a report is UTC, and the chart shows them as they are written. */
export const CHART_DATE_FORMAT = 'YYYY-MM-DD HH:mm:ss.SSS'

const chartTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23)

/**
 * Text as a Mermaid gantt name: its lexer ends a task or section name at ':', '#' and ';' (and takes '%%' for a
 * comment), so those are written as entity codes (`#58;`), which Mermaid decodes when it renders; one line.
 */
export function mermaidText(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[#:;%]/g, (character) => `#${character.charCodeAt(0)};`)
}

type Tag = 'done' | 'active' | 'crit' | 'milestone'

interface ChartTask {
  name: string
  tag?: Tag
  startMs: number
  durationMs: number
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`

/**
 * The run as a Mermaid gantt chart (rendered where post-mortems are written: GitHub, GitLab, Confluence), drawn
 * from the report's data alone, so it always agrees with report.json: the gates passed at the start, one task per
 * step (its last attempt), the part of each step spent waiting for AWS, and the RTO milestones.
 */
export function renderTimelineChart(report: RunReport): string[] {
  const start = Date.parse(report.startedAt)
  const lastEvent = report.timeline.at(-1)?.at
  const runEnd = Date.parse(report.endedAt ?? lastEvent ?? report.startedAt)
  const endOf = (step: RunReport['steps'][number]) => (step.endedAt ? Date.parse(step.endedAt) : runEnd)
  const started = report.steps.filter((step) => step.startedAt)

  const warned = report.gates.filter((gate) => gate.status === 'warn')
  const failed = report.gates.filter((gate) => gate.status === 'fail')
  const gateSummary = [
    `${plural(report.gates.length - warned.length - failed.length, 'gate')} passed`,
    ...(warned.length > 0 ? [`${warned.length} warned`] : []),
    ...(failed.length > 0 ? [`${failed.length} failed`] : []),
  ].join(', ')
  const sections: [string, ChartTask[]][] = [
    [
      'Gates',
      [
        {name: gateSummary, tag: 'milestone', startMs: start, durationMs: 0},
        ...[...warned, ...failed].map((gate): ChartTask => ({
          name: `${gate.status} ${gate.id} - ${gate.message}`,
          tag: 'milestone',
          startMs: start,
          durationMs: 0,
        })),
      ],
    ],
    [
      'Steps',
      started.map((step) => ({
        name: step.title,
        tag: step.status === 'failed' ? 'crit' : step.status === 'running' ? 'active' : 'done',
        startMs: Date.parse(step.startedAt as string),
        durationMs: endOf(step) - Date.parse(step.startedAt as string),
      })),
    ],
    [
      'Waits for AWS',
      started
        .filter((step) => step.waitStartedAt)
        .map((step) => ({
          name: step.title,
          tag: step.endedAt ? undefined : 'active',
          startMs: Date.parse(step.waitStartedAt as string),
          durationMs: endOf(step) - Date.parse(step.waitStartedAt as string),
        })),
    ],
    [
      'Milestones',
      Object.entries(report.milestones).map(([name, seconds]) => ({
        name: `${name} in the target (+${seconds}s)`,
        tag: 'milestone',
        startMs: start + seconds * 1000,
        durationMs: 0,
      })),
    ],
  ]
  const lines = [
    '```mermaid',
    'gantt',
    `    title ${mermaidText(`${report.title} (UTC)`)}`,
    `    dateFormat ${CHART_DATE_FORMAT}`,
    '    axisFormat %H:%M:%S',
    '    todayMarker off',
  ]
  for (const [section, tasks] of sections.filter(([, tasks]) => tasks.length > 0)) {
    lines.push(`    section ${section}`)
    tasks.forEach((task, index) => {
      const id = `${section.split(' ')[0]!.toLowerCase()}${index + 1}`
      const data = [task.tag, id, chartTime(task.startMs), `${Math.max(0, Math.round(task.durationMs))}ms`]
      lines.push(`    ${mermaidText(task.name)} :${data.filter(Boolean).join(', ')}`)
    })
  }
  lines.push('```')
  return lines
}
