import type {JsonOperation} from '../protocol/aws-json.js'
import {optionalNumber, optionalString, page} from './context.js'
import {findCluster, invalid} from './ecs-records.js'

// ListClusters and ListServices: what `drctl config init --discover` reads to find the services of every Region.

/** ECS answers at most 100 ARNs a page (the default too). */
const MAX_RESULTS = 100

function pageOf(input: Record<string, unknown>, arns: string[]): {arns: string[]; nextToken?: string} {
  const size = optionalNumber(input, 'maxResults', invalid) ?? MAX_RESULTS
  if (!Number.isInteger(size) || size < 1 || size > MAX_RESULTS) throw invalid('maxResults must be between 1 and 100.')
  const result = page(arns, optionalString(input, 'nextToken', invalid), size, () => invalid('Invalid nextToken.'))
  return {arns: result.items, nextToken: result.next}
}

export const listClusters: JsonOperation = ({world, region}, input) => {
  const {arns, nextToken} = pageOf(
    input,
    world.ecs.clusters.filter((cluster) => cluster.region === region).map((cluster) => cluster.arn),
  )
  return {clusterArns: arns, nextToken}
}

export const listServices: JsonOperation = (context, input) => {
  const cluster = findCluster(context, input)
  const {arns, nextToken} = pageOf(
    input,
    cluster.services.map((service) => service.arn),
  )
  return {serviceArns: arns, nextToken}
}
