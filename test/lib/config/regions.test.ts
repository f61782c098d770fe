import {describe, expect, it} from 'vitest'

import {
  isKnownRegion,
  isRegionName,
  KNOWN_REGIONS,
  suggestRegion,
  topologyRegion,
  unknownRegionConcern,
} from '../../../src/lib/config/regions.js'

describe('Region names', () => {
  it('takes the shape of every AWS Region, in every partition', () => {
    for (const region of [
      ...KNOWN_REGIONS,
      'us-gov-west-1',
      'us-iso-east-1',
      'us-isob-west-1',
      'us-isof-south-1',
      'eu-isoe-west-1',
      'eusc-de-east-1',
      'cn-northwest-1',
      'ap-southeast-7',
      'mx-central-1',
    ]) {
      expect(isRegionName(region), region).toBe(true)
    }
  })

  it('refuses names that are not Region-shaped: no direction, extra letters, capitals, zones', () => {
    for (const text of [
      'xx-nowhere-9',
      'us-westt-9',
      'mars-north-1x',
      'US-EAST-1',
      'us-east-1a',
      'us-east-0',
      '',
      ' us-east-1',
    ]) {
      expect(isRegionName(text), text).toBe(false)
    }
  })

  it('knows the current Regions, including the newest partitions', () => {
    for (const region of ['us-east-1', 'eusc-de-east-1', 'us-isof-east-1', 'ap-east-2', 'mx-central-1']) {
      expect(isKnownRegion(region), region).toBe(true)
    }
    expect(isKnownRegion('eu-west-4')).toBe(false)
  })
})

describe('suggestRegion', () => {
  it('suggests the closest known Region', () => {
    expect(suggestRegion('us-wst-2')).toBe('us-west-2')
    expect(suggestRegion('us-westt-2')).toBe('us-west-2')
  })

  it('never suggests a name that is not a known Region itself', () => {
    expect(suggestRegion('us-west-2', ['us-east-1', 'us-westt-9'])).toBeUndefined()
    expect(suggestRegion('us-west-1', ['us-east-1', 'us-west-2'])).toBe('us-west-2')
  })
})

describe('unknownRegionConcern', () => {
  it('says nothing about a known Region or a name that is not Region-shaped', () => {
    expect(unknownRegionConcern('us-west-2')).toBeUndefined()
    expect(unknownRegionConcern('xx-nowhere-9')).toBeUndefined()
  })

  it('flags a well-shaped name that is not a known Region, with the closest known one', () => {
    expect(unknownRegionConcern('eu-west-4')).toBe(
      '"eu-west-4" is not an AWS Region drctl knows (did you mean "eu-west-1"?); kept, in case it is newer than drctl',
    )
  })
})

describe('topologyRegion', () => {
  const topology = {name: 'retail', regions: ['us-east-1', 'us-west-2']}

  it('passes a Region of the topology', () => {
    expect(topologyRegion(topology, '--to', 'us-west-2')).toBe('us-west-2')
  })

  it('refuses another as a usage error that names the closest Region of the topology and lists them', () => {
    expect(() => topologyRegion(topology, '--to', 'us-west-1')).toThrow(
      expect.objectContaining({
        code: 'DRCTL_USAGE',
        exit: 2,
        message: '--to "us-west-1" is not a Region of retail (did you mean us-west-2?)',
        hints: ['the Regions of retail: us-east-1, us-west-2'],
      }),
    )
  })

  it('never points a correct Region at a misspelled one: it points the misspelled one at it', () => {
    const misspelled = {name: 'retail', regions: ['us-east-1', 'us-west-9']}
    expect(() => topologyRegion(misspelled, '--to', 'us-west-2')).toThrow(
      expect.objectContaining({
        message: '--to "us-west-2" is not a Region of retail',
        hints: [
          'the Regions of retail: us-east-1, us-west-9',
          'drctl.yaml lists us-west-9, which is not a known AWS Region: did you mean us-west-2 there?',
        ],
      }),
    )
  })

  it('shows a huge value by its start and length only', () => {
    const error = (() => {
      try {
        topologyRegion(topology, '--to', `us-east-1${'a'.repeat(102_391)}`)
      } catch (caught) {
        return caught as Error
      }
    })()
    expect(error?.message).toMatch(/^--to "us-east-1a+…" \(102400 characters\) is not a Region of retail$/)
  })
})
