import {describe, expect, it} from 'vitest'

import {activeAndRecent, unlistedRegions} from '../../../src/lib/cli/render-chaos.js'
import type {ExperimentListing} from '../../../src/lib/runbooks/chaos/experiments.js'

const experiment = (id: string, status: string) => ({id, status, templateId: 'EXT1', region: 'us-east-1', tags: {}})

describe('the experiments chaos status shows', () => {
  const listing: ExperimentListing = {
    experiments: [
      experiment('EXP5', 'completed'),
      experiment('EXP4', 'running'),
      experiment('EXP3', 'stopped'),
      experiment('EXP2', 'stopping'),
      experiment('EXP1', 'failed'),
    ],
    unreadable: [{region: 'us-west-2', message: 'connect ETIMEDOUT'}],
  }

  it('are every active one and, newest first, as many ended ones as asked for', () => {
    const {active, recent} = activeAndRecent(listing, 2)
    expect(active.map((entry) => entry.id)).toEqual(['EXP4', 'EXP2'])
    expect(recent.map((entry) => entry.id)).toEqual(['EXP5', 'EXP3'])
  })

  it('come with a warning for each Region that could not be listed', () => {
    expect(unlistedRegions(listing)).toEqual(['experiments in us-west-2 could not be listed: connect ETIMEDOUT'])
  })
})
