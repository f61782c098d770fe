import type {QueryService} from '../../protocol/query.js'
import {
  createDbCluster,
  deleteDbCluster,
  describeDbClusters,
  failoverDbCluster,
  modifyDbCluster,
  promoteReadReplicaDbCluster,
} from './clusters.js'
import {
  createGlobalCluster,
  deleteGlobalCluster,
  describeGlobalClusters,
  failoverGlobalCluster,
  modifyGlobalCluster,
  removeFromGlobalCluster,
  switchoverGlobalCluster,
} from './global-clusters.js'
import {createDbInstance, deleteDbInstance, describeDbInstances} from './instances.js'
import {deregisterDbProxyTargets, describeDbProxies, describeDbProxyTargets, registerDbProxyTargets} from './proxies.js'
import {disableHttpEndpoint, enableHttpEndpoint, restoreDbClusterFromSnapshot} from './restore.js'
import {copyDbClusterSnapshot, createDbClusterSnapshot, describeDbClusterSnapshots} from './snapshots.js'
import {addTagsToResource, listTagsForResource} from './tags.js'
import {rdsDueEvents} from './transitions.js'

/**
 * Amazon RDS / Aurora (awsQuery, 2014-10-31): global clusters, clusters, instances, cluster snapshots and RDS Proxy
 * targets, with the asynchronous state machines and Region rules of aws-reference §2.
 */
export const rdsService: QueryService = {
  protocol: 'query',
  namespace: 'http://rds.amazonaws.com/doc/2014-10-31/',
  dueEvents: (world, now) => rdsDueEvents(world, now),
  operations: {
    DescribeGlobalClusters: describeGlobalClusters,
    SwitchoverGlobalCluster: switchoverGlobalCluster,
    FailoverGlobalCluster: failoverGlobalCluster,
    RemoveFromGlobalCluster: removeFromGlobalCluster,
    ModifyGlobalCluster: modifyGlobalCluster,
    CreateGlobalCluster: createGlobalCluster,
    DeleteGlobalCluster: deleteGlobalCluster,
    DescribeDBClusters: describeDbClusters,
    CreateDBCluster: createDbCluster,
    ModifyDBCluster: modifyDbCluster,
    DeleteDBCluster: deleteDbCluster,
    PromoteReadReplicaDBCluster: promoteReadReplicaDbCluster,
    FailoverDBCluster: failoverDbCluster,
    DescribeDBInstances: describeDbInstances,
    CreateDBInstance: createDbInstance,
    DeleteDBInstance: deleteDbInstance,
    DescribeDBClusterSnapshots: describeDbClusterSnapshots,
    CreateDBClusterSnapshot: createDbClusterSnapshot,
    CopyDBClusterSnapshot: copyDbClusterSnapshot,
    RestoreDBClusterFromSnapshot: restoreDbClusterFromSnapshot,
    EnableHttpEndpoint: enableHttpEndpoint,
    DisableHttpEndpoint: disableHttpEndpoint,
    AddTagsToResource: addTagsToResource,
    ListTagsForResource: listTagsForResource,
    DescribeDBProxies: describeDbProxies,
    DescribeDBProxyTargets: describeDbProxyTargets,
    RegisterDBProxyTargets: registerDbProxyTargets,
    DeregisterDBProxyTargets: deregisterDbProxyTargets,
  },
}
