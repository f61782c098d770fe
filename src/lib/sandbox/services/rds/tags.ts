import type {QueryOperation} from '../../protocol/query.js'
import {findCluster, invalidValue, readTags} from './lookup.js'
import {parseClusterArn} from './records.js'

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
