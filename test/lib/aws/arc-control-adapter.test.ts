import {
  DescribeClusterCommand,
  ListClustersCommand,
  ListControlPanelsCommand,
  ListRoutingControlsCommand,
  ListSafetyRulesCommand,
  Route53RecoveryControlConfigClient,
} from '@aws-sdk/client-route53-recovery-control-config'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {ARC_CONTROL_PLANE_REGION, ArcControlAdapter} from '../../../src/lib/aws/arc-control.js'
import type {AwsCallRecord} from '../../../src/lib/aws/invoke.js'
import {awsError, callerFor, mockOldClient, oldCommand} from './harness.js'

const controlMock = mockOldClient(Route53RecoveryControlConfigClient)
afterEach(() => controlMock.reset())

const arcControl = (records?: AwsCallRecord[]) =>
  new ArcControlAdapter(
    new Route53RecoveryControlConfigClient({region: ARC_CONTROL_PLANE_REGION}),
    callerFor('ARC control', ARC_CONTROL_PLANE_REGION, {records}),
  )

const clusterArn = 'arn:aws:route53-recovery-control::111122223333:cluster/abc'
const panelArn = 'arn:aws:route53-recovery-control::111122223333:controlpanel/p1'
const rc = (name: string) => `${panelArn}/routingcontrol/${name}`

describe('ARC control-plane adapter', () => {
  it('describes the cluster and its endpoints, from us-west-2 (the only control-plane Region)', async () => {
    const records: AwsCallRecord[] = []
    controlMock.on(oldCommand(DescribeClusterCommand)).resolves({
      Cluster: {
        ClusterArn: clusterArn,
        Name: 'retail',
        Status: 'DEPLOYED',
        ClusterEndpoints: [
          {Region: 'us-east-1', Endpoint: 'https://host-aaaaaa.us-east-1.example.com/v1'},
          {Region: 'ap-southeast-2', Endpoint: 'https://host-bbbbbb.ap-southeast-2.example.com/v1'},
        ],
      },
    })
    await expect(arcControl(records).describeCluster(clusterArn)).resolves.toEqual({
      arn: clusterArn,
      name: 'retail',
      status: 'DEPLOYED',
      endpoints: [
        {region: 'us-east-1', url: 'https://host-aaaaaa.us-east-1.example.com/v1'},
        {region: 'ap-southeast-2', url: 'https://host-bbbbbb.ap-southeast-2.example.com/v1'},
      ],
    })
    expect(controlMock).toHaveReceivedCommandExactlyOnceWith(oldCommand(DescribeClusterCommand), {
      ClusterArn: clusterArn,
    })
    expect(records).toEqual([
      expect.objectContaining({service: 'ARC control', operation: 'DescribeCluster', region: 'us-west-2'}),
    ])
  })

  it('reads a cluster that does not exist as not found (no silent empty cluster)', async () => {
    controlMock
      .on(oldCommand(DescribeClusterCommand))
      .rejects(awsError('ResourceNotFoundException', 'cluster abc not found', 404))
    await expect(arcControl().describeCluster(clusterArn)).rejects.toMatchObject({
      kind: 'not-found',
      code: 'DRCTL_AWS_NOT_FOUND',
      exit: 5,
    })
  })

  it('lists every cluster with its endpoints, following NextToken to the end (also through an empty page)', async () => {
    const records: AwsCallRecord[] = []
    controlMock
      .on(oldCommand(ListClustersCommand))
      .resolvesOnce({
        Clusters: [
          {
            ClusterArn: clusterArn,
            Name: 'retail',
            Status: 'DEPLOYED',
            ClusterEndpoints: [{Region: 'eu-west-1', Endpoint: 'https://host-cccccc.eu-west-1.example.com/v1'}],
          },
        ],
        NextToken: 'c2',
      })
      .resolvesOnce({Clusters: [], NextToken: 'c3'})
      .resolvesOnce({Clusters: [{ClusterArn: `${clusterArn}2`, Name: 'staging'}]})
    await expect(arcControl(records).listClusters()).resolves.toEqual([
      {
        arn: clusterArn,
        name: 'retail',
        status: 'DEPLOYED',
        endpoints: [{region: 'eu-west-1', url: 'https://host-cccccc.eu-west-1.example.com/v1'}],
      },
      {arn: `${clusterArn}2`, name: 'staging', status: 'unknown', endpoints: []},
    ])
    expect(
      controlMock.commandCalls(oldCommand(ListClustersCommand)).map((call) => call.args[0].input.NextToken),
    ).toEqual([undefined, 'c2', 'c3'])
    expect(records.map((record) => `${record.operation} ${record.region} ${record.mutating}`)).toEqual([
      'ListClusters us-west-2 false',
      'ListClusters us-west-2 false',
      'ListClusters us-west-2 false',
    ])
  })

  it('lists control panels of the cluster, following NextToken to the end', async () => {
    controlMock
      .on(oldCommand(ListControlPanelsCommand))
      .resolvesOnce({
        ControlPanels: [
          {
            ControlPanelArn: panelArn,
            Name: 'DefaultControlPanel',
            Status: 'DEPLOYED',
            DefaultControlPanel: true,
            RoutingControlCount: 2,
          },
        ],
        NextToken: 'cp2',
      })
      .resolvesOnce({ControlPanels: [{ControlPanelArn: `${panelArn}x`, Name: 'retail', Status: 'PENDING'}]})
    await expect(arcControl().listControlPanels(clusterArn)).resolves.toEqual([
      {arn: panelArn, name: 'DefaultControlPanel', status: 'DEPLOYED', isDefault: true, routingControlCount: 2},
      {arn: `${panelArn}x`, name: 'retail', status: 'PENDING', isDefault: false, routingControlCount: 0},
    ])
    expect(controlMock.commandCalls(oldCommand(ListControlPanelsCommand)).map((call) => call.args[0].input)).toEqual([
      {ClusterArn: clusterArn, NextToken: undefined},
      {ClusterArn: clusterArn, NextToken: 'cp2'},
    ])
  })

  it('lists the routing controls of a panel, following NextToken to the end', async () => {
    controlMock
      .on(oldCommand(ListRoutingControlsCommand))
      .resolvesOnce({
        RoutingControls: [
          {RoutingControlArn: rc('use1'), Name: 'retail-us-east-1', ControlPanelArn: panelArn, Status: 'DEPLOYED'},
        ],
        NextToken: 'rc2',
      })
      .resolvesOnce({RoutingControls: [], NextToken: 'rc3'})
      .resolvesOnce({RoutingControls: [{RoutingControlArn: rc('usw2'), Name: 'retail-us-west-2'}]})
    await expect(arcControl().listRoutingControls(panelArn)).resolves.toEqual([
      {arn: rc('use1'), name: 'retail-us-east-1', controlPanelArn: panelArn, status: 'DEPLOYED'},
      {arn: rc('usw2'), name: 'retail-us-west-2', controlPanelArn: panelArn, status: 'unknown'},
    ])
    expect(
      controlMock.commandCalls(oldCommand(ListRoutingControlsCommand)).map((call) => call.args[0].input.NextToken),
    ).toEqual([undefined, 'rc2', 'rc3'])
    expect(controlMock).toHaveReceivedCommandWith(oldCommand(ListRoutingControlsCommand), {ControlPanelArn: panelArn})
  })

  it('maps assertion and gating rules, following NextToken to the end', async () => {
    controlMock
      .on(oldCommand(ListSafetyRulesCommand))
      .resolvesOnce({
        SafetyRules: [
          {
            ASSERTION: {
              SafetyRuleArn: `${panelArn}/safetyrule/one-on`,
              Name: 'at-least-one-on',
              ControlPanelArn: panelArn,
              AssertedControls: [rc('use1'), rc('usw2')],
              RuleConfig: {Type: 'ATLEAST', Threshold: 1, Inverted: false},
              WaitPeriodMs: 5000,
              Status: 'DEPLOYED',
            },
          },
        ],
        NextToken: 'sr2',
      })
      .resolvesOnce({
        SafetyRules: [
          {
            GATING: {
              SafetyRuleArn: `${panelArn}/safetyrule/gate`,
              Name: 'maintenance-gate',
              ControlPanelArn: panelArn,
              GatingControls: [rc('gate')],
              TargetControls: [rc('use1')],
              RuleConfig: {Type: 'OR', Threshold: 1, Inverted: true},
              WaitPeriodMs: 0,
              Status: 'DEPLOYED',
            },
          },
        ],
      })
    await expect(arcControl().listSafetyRules(panelArn)).resolves.toEqual([
      {
        arn: `${panelArn}/safetyrule/one-on`,
        name: 'at-least-one-on',
        type: 'ASSERTION',
        controlPanelArn: panelArn,
        assertedControls: [rc('use1'), rc('usw2')],
        ruleConfig: {type: 'ATLEAST', threshold: 1, inverted: false},
        waitPeriodMs: 5000,
      },
      {
        arn: `${panelArn}/safetyrule/gate`,
        name: 'maintenance-gate',
        type: 'GATING',
        controlPanelArn: panelArn,
        gatingControls: [rc('gate')],
        targetControls: [rc('use1')],
        ruleConfig: {type: 'OR', threshold: 1, inverted: true},
        waitPeriodMs: 0,
      },
    ])
    expect(controlMock.commandCalls(oldCommand(ListSafetyRulesCommand)).map((call) => call.args[0].input)).toEqual([
      {ControlPanelArn: panelArn, NextToken: undefined},
      {ControlPanelArn: panelArn, NextToken: 'sr2'},
    ])
  })

  it('reads access denied and throttling as such', async () => {
    controlMock
      .on(oldCommand(ListControlPanelsCommand))
      .rejectsOnce(awsError('AccessDeniedException', 'denied', 403))
      .rejects(awsError('ThrottlingException', 'slow down', 429))
    await expect(arcControl().listControlPanels(clusterArn)).rejects.toMatchObject({
      kind: 'access-denied',
      hints: [expect.stringContaining('route53-recovery-control-config:ListControlPanels in us-west-2')],
    })
    await expect(arcControl().listControlPanels(clusterArn)).rejects.toMatchObject({
      kind: 'throttling',
      code: 'DRCTL_AWS_THROTTLED',
    })
  })
})
