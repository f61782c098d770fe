// The FIS slice of the sandbox world: experiment templates and the experiments started from them.

export interface FisTarget {
  resourceType: string
  resourceArns?: string[]
  resourceTags?: Record<string, string>
  selectionMode: string
  parameters?: Record<string, string>
}

export interface FisAction {
  actionId: string
  description?: string
  parameters: Record<string, string>
  targets: Record<string, string>
  startAfter: string[]
}

export interface TemplateRecord {
  id: string
  arn: string
  region: string
  description: string
  roleArn: string
  targets: Record<string, FisTarget>
  actions: Record<string, FisAction>
  stopConditions: {source: string; value?: string}[]
  tags: Record<string, string>
  createdAt: number
  updatedAt: number
}

export interface ExperimentActionRecord extends FisAction {
  startAt: number
  endAt: number
}

/** An experiment's timeline is fixed when it starts; its status is read off the clock (see fis.ts). */
export interface ExperimentRecord {
  id: string
  arn: string
  region: string
  templateId: string
  roleArn: string
  clientToken: string
  tags: Record<string, string>
  targets: Record<string, FisTarget>
  stopConditions: {source: string; value?: string}[]
  createdAt: number
  /** `initiating` ends and `running` begins. */
  runningAt: number
  completesAt: number
  actions: Record<string, ExperimentActionRecord>
  stopRequestedAt?: number
  stoppedAt?: number
  /** The stop condition's alarm ARN, when an alarm (not StopExperiment) stopped it. */
  stoppedBy?: string
}
