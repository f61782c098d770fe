import type {Mutation} from './mutation.js'

export interface Stack {
  name: string
  id: string
  status: string
  statusReason?: string
}

export interface StackResourceFailure {
  logicalId: string
  type: string
  status: string
  reason?: string
}

export interface CloudFormationPort {
  readonly region: string
  describeStack(name: string): Promise<Stack | undefined>
  failedResources(name: string): Promise<StackResourceFailure[]>
  deleteStack(name: string): Promise<Mutation>
}
