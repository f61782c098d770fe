import {describe, expect, it} from 'vitest'

import {serveBanner} from '../../../src/lib/cli/render-sandbox.js'
import {sandboxClientEnv} from '../../../src/lib/sandbox/index.js'

describe('the banner of drctl sandbox serve', () => {
  const served = {
    endpoint: 'http://127.0.0.1:4566',
    env: sandboxClientEnv('http://127.0.0.1:4566', ['us-west-2', 'us-east-1']),
    world: '/home/op/.drctl/sandbox/world.json',
    arcEndpoints: [{region: 'us-east-1', url: 'http://127.0.0.1:4567/v1'}],
  }

  it('is shell exports a client can eval, in the first Region of the world, then comments', () => {
    const lines = serveBanner(served, {scenario: 'two-region', timeScale: 0.1}, undefined).split('\n')
    expect(lines[0]).toBe(
      '# drctl sandbox: scenario two-region, time scale 0.1, world /home/op/.drctl/sandbox/world.json',
    )
    expect(lines).toEqual(
      expect.arrayContaining([
        'export AWS_ENDPOINT_URL=http://127.0.0.1:4566',
        'export AWS_REGION=us-west-2',
        'export AWS_DEFAULT_REGION=us-west-2',
        '#   us-east-1       http://127.0.0.1:4567/v1',
      ]),
    )
    expect(lines.filter((line) => !line.startsWith('#') && !line.startsWith('export '))).toEqual([])
    expect(lines.join('\n')).not.toContain('IAM policy')
  })

  it('names the policy it enforces', () => {
    expect(serveBanner(served, {scenario: 'two-region', timeScale: 1}, 'operator.json')).toContain(
      '# Every call is judged against the IAM policy in operator.json.',
    )
  })
})
