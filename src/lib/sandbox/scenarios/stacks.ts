import {hexId, loadBalancerArn, uuidFrom} from '../ids.js'
import type {StackRecord} from '../services/cloudformation-records.js'
import {regionSuffix, TOPOLOGY_NAME} from './naming.js'

// The scenarios' CloudFormation stacks: one application stack per Region, whose name tags what it created.

export const stackName = (region: string) => `${TOPOLOGY_NAME}-app-${regionSuffix(region)}`

/** The application stack in `region`: its VPC, subnet, load balancer, bucket and ECS service. */
export function appStack(account: string, region: string, createdAt: number): StackRecord {
  const name = stackName(region)
  const resource = (logicalId: string, type: string, physicalId: string) => ({
    logicalId,
    physicalId,
    type,
    status: 'CREATE_COMPLETE',
    updatedAt: createdAt,
  })
  return {
    name,
    id: `arn:aws:cloudformation:${region}:${account}:stack/${name}/${uuidFrom(`${account}:${region}:stack:${name}`)}`,
    region,
    status: 'CREATE_COMPLETE',
    description: `${TOPOLOGY_NAME} application in ${region}`,
    createdAt,
    resources: [
      resource('AppVpc', 'AWS::EC2::VPC', `vpc-${hexId(`${account}:${region}:vpc`, 17)}`),
      resource('AppSubnetA', 'AWS::EC2::Subnet', `subnet-${hexId(`${account}:${region}:subnet-a`, 17)}`),
      resource('AppLoadBalancer', 'AWS::ElasticLoadBalancingV2::LoadBalancer', loadBalancerArn(region, account, name)),
      resource('AppBucket', 'AWS::S3::Bucket', `${name}-assets-${hexId(`${account}:${region}:bucket`, 8)}`),
      resource('AppService', 'AWS::ECS::Service', `arn:aws:ecs:${region}:${account}:service/${name}/app`),
    ],
    tags: [{Key: 'Topology', Value: TOPOLOGY_NAME}],
  }
}
