import {createHash} from 'node:crypto'

import type {World} from './world.js'

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'
const HEX = '0123456789abcdef'
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A stable pseudo-random string derived from `seed`: the same world always gets the same identifiers. */
export function derivedId(seed: string, length: number, alphabet = LOWER_ALNUM): string {
  let result = ''
  let round = 0
  while (result.length < length) {
    const digest = createHash('sha256').update(`${seed}#${round++}`).digest()
    for (const byte of digest) {
      if (result.length === length) break
      result += alphabet[byte % alphabet.length]
    }
  }
  return result
}

/** A fresh seed for an identifier that must be unique in this world. */
export function nextSeed(world: World, what: string): string {
  world.sequence += 1
  return `${world.account}:${what}:${world.sequence}`
}

export const hexId = (seed: string, length: number) => derivedId(seed, length, HEX)
export const upperId = (seed: string, length: number) => derivedId(seed, length, UPPER_ALNUM)
/** FIS identifiers: `EXT…` for templates, `EXP…` for experiments, then 14 mixed-case letters and digits. */
export const fisId = (prefix: 'EXT' | 'EXP', seed: string) => `${prefix}${derivedId(seed, 14, MIXED_ALNUM)}`

/** The Region field of an ARN (`arn:aws:rds:us-east-1:…` → `us-east-1`); empty for global resources. */
export function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? ''
}

export function uuidFrom(seed: string): string {
  const hex = hexId(seed, 32)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

export function clusterArn(region: string, account: string, id: string): string {
  return `arn:aws:rds:${region}:${account}:cluster:${id}`
}

export function instanceArn(region: string, account: string, id: string): string {
  return `arn:aws:rds:${region}:${account}:db:${id}`
}

export function clusterSnapshotArn(region: string, account: string, id: string): string {
  return `arn:aws:rds:${region}:${account}:cluster-snapshot:${id}`
}

export function globalClusterArn(account: string, id: string): string {
  return `arn:aws:rds::${account}:global-cluster:${id}`
}

export function fisTemplateArn(region: string, account: string, id: string): string {
  return `arn:aws:fis:${region}:${account}:experiment-template/${id}`
}

export function tableArn(region: string, account: string, name: string): string {
  return `arn:aws:dynamodb:${region}:${account}:table/${name}`
}

/** The per-account, per-Region label RDS puts in every endpoint host name. */
export function rdsEndpointLabel(account: string, region: string): string {
  return `c${derivedId(`${account}:${region}:endpoints`, 11)}`
}

/** A cluster's writer (cluster) endpoint host name. */
export function clusterEndpoint(account: string, region: string, clusterId: string): string {
  return `${clusterId}.cluster-${rdsEndpointLabel(account, region)}.${region}.rds.amazonaws.com`
}

/** An application load balancer's ARN; its id is the account's and Region's, whatever the balancer's name. */
export function loadBalancerArn(region: string, account: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/${name}/${hexId(`${account}:${region}:alb`, 16)}`
}

export function kmsKeyArn(region: string, account: string): string {
  return `arn:aws:kms:${region}:${account}:key/${uuidFrom(`${account}:${region}:kms`)}`
}
