// The CloudFormation slice of the sandbox world: stacks and their resources.

import type {Tag} from '../world.js'

export interface StackResourceRecord {
  logicalId: string
  physicalId: string
  type: string
  status: string
  reason?: string
  updatedAt: number
}

export interface StackRecord {
  name: string
  id: string
  region: string
  status: string
  statusReason?: string
  description: string
  createdAt: number
  updatedAt?: number
  deletedAt?: number
  deletion?: {until: number; fails: boolean; retain: string[]}
  resources: StackResourceRecord[]
  tags: Tag[]
}
