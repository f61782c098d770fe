import {fisId, fisTemplateArn, tableArn} from '../ids.js'
import type {TemplateRecord} from '../services/fis-records.js'
import {TOPOLOGY_NAME} from './naming.js'

/** The scenarios' FIS experiment templates, in the first Region: cut connectivity to the second, pause carts. */
export function fisTemplates(account: string, region: string, regions: string[], createdAt: number): TemplateRecord[] {
  const role = `arn:aws:iam::${account}:role/${TOPOLOGY_NAME}-fis-experiments`
  const cartsArn = tableArn(region, account, 'carts')
  const template = (
    name: string,
    body: Omit<TemplateRecord, 'id' | 'arn' | 'region' | 'createdAt' | 'updatedAt' | 'roleArn'>,
  ) => {
    const id = fisId('EXT', `${account}:template:${name}`)
    return {
      id,
      arn: fisTemplateArn(region, account, id),
      region,
      roleArn: role,
      createdAt,
      updatedAt: createdAt,
      ...body,
    }
  }
  const cutOff = regions[1] as string
  return [
    template('cross-region-connectivity', {
      description: `Cut cross-Region connectivity from ${region} to ${cutOff} and pause carts replication`,
      targets: {
        Subnets: {resourceType: 'aws:ec2:subnet', resourceTags: {ChaosAllowed: 'true'}, selectionMode: 'ALL'},
        Tables: {resourceType: 'aws:dynamodb:global-table', resourceArns: [cartsArn], selectionMode: 'ALL'},
      },
      actions: {
        DisruptSubnetConnectivity: {
          actionId: 'aws:network:route-table-disrupt-cross-region-connectivity',
          description: `Block traffic from tagged subnets to ${cutOff}`,
          parameters: {duration: 'PT10M', region: cutOff},
          targets: {Subnets: 'Subnets'},
          startAfter: [],
        },
        PauseCartsReplication: {
          actionId: 'aws:dynamodb:global-table-pause-replication',
          description: 'Pause replication of the carts table',
          parameters: {duration: 'PT10M'},
          targets: {Tables: 'Tables'},
          startAfter: [],
        },
      },
      stopConditions: [
        {
          source: 'aws:cloudwatch:alarm',
          value: `arn:aws:cloudwatch:${region}:${account}:alarm:${TOPOLOGY_NAME}-orders-error-rate`,
        },
      ],
      tags: {Name: 'cross-region-connectivity', Env: 'sandbox'},
    }),
    template('pause-carts-replication', {
      description: 'Pause replication of the carts table',
      targets: {Tables: {resourceType: 'aws:dynamodb:global-table', resourceArns: [cartsArn], selectionMode: 'ALL'}},
      actions: {
        PauseCartsReplication: {
          actionId: 'aws:dynamodb:global-table-pause-replication',
          parameters: {duration: 'PT5M'},
          targets: {Tables: 'Tables'},
          startAfter: [],
        },
      },
      stopConditions: [{source: 'none'}],
      tags: {Name: 'pause-carts-replication', Env: 'sandbox'},
    }),
  ]
}
