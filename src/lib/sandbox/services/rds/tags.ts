import type {QueryOperation} from '../../protocol/query.js'
import type {Tag} from '../../world.js'
import type {CallContext} from '../context.js'
import {findCluster, findInstance, findSnapshot, invalidValue, readTags} from './lookup.js'
import {findGlobal, parseClusterArn} from './records.js'
import {tags} from './render.js'

/** Tags a cluster (the only resource drctl tags); a key already present takes the new value. */
export const addTagsToResource: QueryOperation = (context, params) => {
  const resource = params.required('ResourceName')
  if (parseClusterArn(resource) === undefined) {
    throw invalidValue(`The sandbox tags DB clusters only, by ARN; got ${resource}`)
  }
  const cluster = findCluster(context, resource)
  for (const tag of readTags(params)) {
    cluster.tags = [...cluster.tags.filter((existing) => existing.Key !== tag.Key), tag]
  }
  return {}
}

const RESOURCE_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]*):(\d{12}):(cluster|db|cluster-snapshot|global-cluster):(.+)$/

/** The tags of a cluster, instance, cluster snapshot or global cluster, by ARN; all but global ones in the caller's Region. */
export const listTagsForResource: QueryOperation = (context, params) => {
  const resource = params.required('ResourceName')
  const [, region, account, kind = '', id = ''] = RESOURCE_ARN.exec(resource) ?? []
  const here = kind === 'global-cluster' ? region === '' : region === context.region
  if (account !== context.world.account || !here) {
    throw invalidValue('The specified resource name does not match an RDS resource in this region.')
  }
  return {TagList: tags(tagsOf(context, kind, id, resource))}
}

function tagsOf(context: CallContext, kind: string, id: string, arn: string): Tag[] {
  switch (kind) {
    case 'cluster':
      return findCluster(context, arn).tags
    case 'db':
      findInstance(context, arn)
      // Aurora instances carry no tags in the sandbox (nothing drctl does tags them).
      return []
    case 'cluster-snapshot':
      return findSnapshot(context.world, context.region, arn, id).tags
    default:
      return findGlobal(context.world, id).tags
  }
}
