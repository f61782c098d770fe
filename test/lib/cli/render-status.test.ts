import {describe, expect, it} from 'vitest'

import {fail, ok, warn} from '../../../src/lib/checks/check.js'
import {renderChecksVerdict, renderStatus, renderWatchFrame} from '../../../src/lib/cli/render-status.js'
import {createStyle} from '../../../src/lib/cli/style.js'
import type {StatusReport} from '../../../src/lib/runbooks/status.js'
import {healthyTopology} from '../../fakes/topology.js'

const plain = createStyle(false)
const report = (checks = [ok('identity', 'acting as me')]): StatusReport => ({
  topology: healthyTopology(),
  checks,
  readiness: [],
})

describe('drctl status rendering', () => {
  it('says how many checks fail and warn, as a finding', () => {
    expect(renderChecksVerdict(report([fail('a', 'a'), fail('b', 'b'), warn('c', 'c'), ok('d', 'd')]))).toBe(
      'retail: 2 checks fail, 1 warns',
    )
    expect(renderChecksVerdict(report([fail('a', 'a'), warn('b', 'b'), warn('c', 'c')]))).toBe(
      'retail: 1 check fails, 2 warn',
    )
    expect(renderChecksVerdict(report([fail('a', 'a')]))).toBe('retail: 1 check fails')
    expect(renderChecksVerdict(report([warn('a', 'a'), ok('b', 'b')]))).toBe('retail: 1 check warns (--strict)')
  })

  it('shows what a global cluster that is not found may have been renamed to', () => {
    const renamed = report()
    renamed.topology.aurora[0] = {id: 'orders-global', found: false, members: [], renamedTo: ['orders-global-2']}
    expect(renderStatus(renamed, plain, {verbose: false})).toContain(
      '  orders-global  not found (renamed to orders-global-2?)',
    )
  })

  it('a watch frame clears the screen only on a terminal and says how it goes on', () => {
    const frame = renderWatchFrame(report(), plain, {verbose: false, seconds: 7, clearScreen: false})
    expect(frame.startsWith('drctl status: retail')).toBe(true)
    expect(frame.endsWith('\n\nrefreshing every 7s; Ctrl-C to stop')).toBe(true)
    const onTerminal = renderWatchFrame(report(), plain, {verbose: false, seconds: 7, clearScreen: true})
    expect(onTerminal).toBe(`\u001B[H\u001B[2J${frame}`)
  })
})
