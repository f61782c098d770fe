import type {Mutation} from './mutation.js'

export interface ExperimentTemplateSummary {
  id: string
  description: string
  tags: Record<string, string>
}

export interface ExperimentTemplate extends ExperimentTemplateSummary {
  roleArn?: string
  targets: Record<
    string,
    {resourceType: string; resourceArns: string[]; resourceTags: Record<string, string>; selectionMode: string}
  >
  actions: Record<
    string,
    {
      actionId: string
      description?: string
      parameters: Record<string, string>
      targets: Record<string, string>
      startAfter: string[]
    }
  >
  stopConditions: {source: string; value?: string}[]
}

export interface ExperimentAction {
  name: string
  actionId: string
  status: string
  reason?: string
  startTime?: string
  endTime?: string
}

export interface Experiment {
  id: string
  templateId: string
  status: string
  reason?: string
  actions: ExperimentAction[]
  creationTime?: string
  startTime?: string
  endTime?: string
  tags: Record<string, string>
}

export interface ExperimentSummary {
  id: string
  templateId: string
  status: string
  creationTime?: string
  tags: Record<string, string>
}

export interface FisPort {
  readonly region: string
  listExperimentTemplates(): Promise<ExperimentTemplateSummary[]>
  getExperimentTemplate(id: string): Promise<ExperimentTemplate | undefined>
  startExperiment(input: {
    templateId: string
    clientToken: string
    tags: Record<string, string>
  }): Promise<Mutation & {experiment: Experiment}>
  getExperiment(id: string): Promise<Experiment | undefined>
  listExperiments(): Promise<ExperimentSummary[]>
  stopExperiment(id: string): Promise<Mutation>
}
