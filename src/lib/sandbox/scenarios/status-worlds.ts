import {instanceArn, upperId} from '../ids.js'
import type {World} from '../world.js'

// Two-Region worlds that make `drctl status` report what today's AWS adds to a safe failover: a DynamoDB table with
// multi-Region strong consistency, and secondaries that could not carry the writer's load.

/** Scenarios that change the two-Region world so that a status check has something to say. */
export const STATUS_WORLDS = ['mrsc', 'capacity-gap'] as const
export type StatusWorld = (typeof STATUS_WORLDS)[number]

export function isStatusWorld(scenario: string): scenario is StatusWorld {
  return (STATUS_WORLDS as readonly string[]).includes(scenario)
}

/** The third Region an MRSC table needs: a witness holds its change data and is neither read nor written. */
const MRSC_WITNESS_REGION = 'eu-west-1'

/** The writer's instance count in the capacity-gap world, against one instance in the secondary. */
const WRITER_INSTANCES = 4

/** Changes a freshly built two-Region world (us-east-1 writing, us-west-2 standing by) into `name`'s. */
export function seedStatusWorld(world: World, name: StatusWorld): void {
  const [home] = world.regions as [string, string]
  switch (name) {
    case 'mrsc': {
      // MRSC is fixed when a table becomes global: three Regions, here two replicas and a witness.
      for (const table of world.dynamodb.tables) {
        table.consistency = 'STRONG'
        table.witness = {region: MRSC_WITNESS_REGION, status: 'ACTIVE'}
      }
      return
    }
    case 'capacity-gap': {
      const orders = world.rds.clusters.find((cluster) => cluster.id.startsWith('orders-') && cluster.region === home)
      const template = world.rds.instances.find((instance) => instance.clusterId === orders?.id && !instance.isWriter)
      if (!orders || !template) throw new Error('the capacity-gap world starts from the two-Region world')
      const present = world.rds.instances.filter((instance) => instance.clusterId === orders.id).length
      for (let index = present; index < WRITER_INSTANCES; index++) {
        const id = `${orders.id}-${String.fromCharCode(97 + index)}`
        world.rds.instances.push({
          ...template,
          id,
          arn: instanceArn(home, world.account, id),
          resourceId: `db-${upperId(`${world.account}:${home}:${id}`, 26)}`,
          promotionTier: index,
        })
      }
      // Provisioned in the writer Region, on demand in the standby one (the table's own mode).
      const table = world.dynamodb.tables[0]
      const homeReplica = table?.replicas.find((replica) => replica.region === home)
      if (homeReplica) homeReplica.provisioned = {readUnits: 400, writeUnits: 200}
      return
    }
  }
}
