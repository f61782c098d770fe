import type {Topology} from './views.js'

/** The part of a topology a report compares before and after a run. */
export interface TopologySummary {
  observedAt: string
  unreachableRegions: string[]
  aurora: {
    globalCluster: string
    found: boolean
    status?: string
    writerRegion?: string
    members: {region: string; clusterId: string; role: string; status?: string; synchronizationStatus?: string}[]
  }[]
  dynamodb: {table: string; replicas: {region: string; status: string}[]}[]
  routing: {name: string; region: string; state?: string}[]
  chaos: string[]
}

export function summarizeTopology(topology: Topology): TopologySummary {
  return {
    observedAt: topology.observedAt,
    unreachableRegions: topology.regions.filter((region) => !region.reachable).map((region) => region.region),
    aurora: topology.aurora.map((view) => ({
      globalCluster: view.id,
      found: view.found,
      status: view.status,
      writerRegion: view.writerRegion,
      members: view.members.map((member) => ({
        region: member.region,
        clusterId: member.clusterId,
        role: member.role,
        status: member.clusterStatus,
        synchronizationStatus: member.synchronizationStatus,
      })),
    })),
    dynamodb: topology.dynamodb.map((table) => ({table: table.name, replicas: table.replicas})),
    routing: (topology.routing?.controls ?? []).map((control) => ({
      name: control.name,
      region: control.region,
      state: control.state,
    })),
    chaos: (topology.chaos?.running ?? []).map(
      (experiment) => `${experiment.id} ${experiment.status} (${experiment.region})`,
    ),
  }
}
