import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {parseConfig} from '../../../src/lib/config/load.js'
import {renameGlobalClusterInConfig} from '../../../src/lib/config/rename-global.js'
import {DrctlError} from '../../../src/lib/core/errors.js'

const base = `version: 1
name: retail
regions: [us-east-1, us-west-2]
aurora:
  globalClusters: [orders-global]
`
const proxyStep = (globalCluster: string) => `steps:
  - id: proxy
    kind: rds-proxy-target
    globalCluster: ${globalCluster}
    regions:
      us-east-1: {proxy: orders-proxy-use1}
      us-west-2: {proxy: orders-proxy-usw2}
`

function problemsOf(text: string): {path: string; message: string}[] {
  try {
    parseConfig(text)
  } catch (error) {
    expect(error).toBeInstanceOf(DrctlError)
    return (error as DrctlError).details?.problems as {path: string; message: string}[]
  }
  throw new Error('expected the config to be rejected')
}

describe('regional application steps in drctl.yaml', () => {
  it('an rds-proxy-target step names a global cluster of aurora.globalClusters, with the default target group', () => {
    expect(parseConfig(`${base}${proxyStep('Orders-Global')}`).steps[0]).toMatchObject({
      globalCluster: 'orders-global',
      targetGroup: 'default',
    })
    expect(problemsOf(`${base}${proxyStep('billing-global')}`)).toEqual([
      {
        path: 'steps[0].globalCluster',
        message: expect.stringContaining('"billing-global" is not one of aurora.globalClusters (orders-global)'),
      },
    ])
  })

  it('a scale step lists as many services in every Region: they pair up by position', () => {
    const scale = (west: string) => `${base}steps:
  - id: capacity
    kind: ecs-service
    action: scale
    regions:
      us-east-1: {cluster: app, services: [api, worker]}
      us-west-2: {cluster: app, services: ${west}}
`
    expect(parseConfig(scale('[api, worker]')).steps).toHaveLength(1)
    expect(problemsOf(scale('[api]'))).toEqual([
      {path: 'steps[0].regions', message: expect.stringContaining('same number of services in every Region')},
    ])
  })

  it('a lambda step takes a function per Region and a payload', () => {
    const [step] = parseConfig(`${base}steps:
  - id: warm-caches
    kind: lambda
    payload: {cache: sessions}
    regions:
      us-east-1: {function: warm-caches}
      us-west-2: {function: "arn:aws:lambda:us-west-2:111122223333:function:warm-caches:live"}
`).steps
    expect(step).toMatchObject({kind: 'lambda', payload: {cache: 'sessions'}})
  })

  it('aurora rename-global renames the global cluster an rds-proxy-target step follows', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'drctl-config-')), 'drctl.yaml')
    const text = `${base}${proxyStep('orders-global')}`
    writeFileSync(path, text)
    const renamed = await renameGlobalClusterInConfig(path, parseConfig(text), 'orders-global', 'orders-global-2')
    expect(renamed.steps[0]).toMatchObject({globalCluster: 'orders-global-2'})
    expect(readFileSync(path, 'utf8')).toContain('globalCluster: orders-global-2')
  })
})
