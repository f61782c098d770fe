import {describe, expect, it} from 'vitest'

import {createProgressRenderer, progressMode} from '../../../src/lib/cli/progress.js'

const stream = (props: {isTTY?: boolean; columns?: number}) => {
  const written: string[] = []
  return {...props, written, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream & {
    written: string[]
  }
}

describe('progress renderers', () => {
  it('are silent with --json, plain without a terminal, a spinner on a terminal with a width', () => {
    delete process.env.CI
    expect(progressMode(true, stream({isTTY: true, columns: 80}))).toBe('silent')
    expect(progressMode(false, stream({isTTY: false}))).toBe('plain')
    expect(progressMode(false, stream({isTTY: true, columns: 0}))).toBe('plain')
    expect(progressMode(false, stream({isTTY: true, columns: 80}))).toBe('spinner')
  })

  it('plain mode writes timestamped lines for each step, on the stream it is given', () => {
    const out = stream({isTTY: false})
    const renderer = createProgressRenderer('plain', out)
    renderer.listener({type: 'task-start', id: 'a', title: 'Switch over orders-global'})
    renderer.listener({type: 'task-update', id: 'a', message: 'switching-over'})
    renderer.listener({type: 'task-end', id: 'a', status: 'done'})
    renderer.listener({type: 'warning', message: 'careful'})
    expect(out.written.map((line) => line.replace(/^\d\d:\d\d:\d\d /, ''))).toEqual([
      '→ Switch over orders-global\n',
      '  Switch over orders-global: switching-over\n',
      expect.stringMatching(/^✔ Switch over orders-global \d+ms\n$/),
      '⚠ careful\n',
    ])
  })

  it('silent mode writes nothing', () => {
    const out = stream({isTTY: true, columns: 80})
    createProgressRenderer('silent', out).listener({type: 'info', message: 'x'})
    expect(out.written).toEqual([])
  })
})
