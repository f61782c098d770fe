import {
  type Experiment as SdkExperiment,
  type FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentTemplatesCommand,
  ListExperimentsCommand,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis'

import {AwsCallError} from './errors.js'
import {allPages} from './pages.js'
import type {
  Experiment,
  ExperimentSummary,
  ExperimentTemplate,
  ExperimentTemplateSummary,
  FisPort,
  Mutation,
} from './ports.js'
import type {Caller} from './session.js'

export class FisAdapter implements FisPort {
  constructor(
    readonly region: string,
    private readonly client: FisClient,
    private readonly call: Caller,
  ) {}

  listExperimentTemplates(): Promise<ExperimentTemplateSummary[]> {
    return allPages(async (nextToken) => {
      const page = await this.call('ListExperimentTemplates', false, (abortSignal) =>
        this.client.send(new ListExperimentTemplatesCommand({maxResults: 100, nextToken}), {abortSignal}),
      )
      const templates = (page.experimentTemplates ?? []).map((template) => ({
        id: template.id ?? '',
        description: template.description ?? '',
        tags: template.tags ?? {},
      }))
      return {items: templates, next: page.nextToken}
    })
  }

  async getExperimentTemplate(id: string): Promise<ExperimentTemplate | undefined> {
    try {
      const output = await this.call('GetExperimentTemplate', false, (abortSignal) =>
        this.client.send(new GetExperimentTemplateCommand({id}), {abortSignal}),
      )
      const template = output.experimentTemplate
      if (!template) return undefined
      return {
        id: template.id ?? id,
        description: template.description ?? '',
        tags: template.tags ?? {},
        roleArn: template.roleArn,
        targets: Object.fromEntries(
          Object.entries(template.targets ?? {}).map(([name, target]) => [
            name,
            {
              resourceType: target.resourceType ?? '',
              resourceArns: target.resourceArns ?? [],
              resourceTags: target.resourceTags ?? {},
              selectionMode: target.selectionMode ?? 'ALL',
            },
          ]),
        ),
        actions: Object.fromEntries(
          Object.entries(template.actions ?? {}).map(([name, action]) => [
            name,
            {
              actionId: action.actionId ?? '',
              description: action.description,
              parameters: action.parameters ?? {},
              targets: action.targets ?? {},
              startAfter: action.startAfter ?? [],
            },
          ]),
        ),
        stopConditions: (template.stopConditions ?? []).map((condition) => ({
          source: condition.source ?? 'none',
          value: condition.value,
        })),
      }
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async startExperiment(input: {
    templateId: string
    clientToken: string
    tags: Record<string, string>
  }): Promise<Mutation & {experiment: Experiment}> {
    const output = await this.call('StartExperiment', true, (abortSignal) =>
      this.client.send(
        new StartExperimentCommand({
          experimentTemplateId: input.templateId,
          clientToken: input.clientToken,
          tags: input.tags,
        }),
        {abortSignal},
      ),
    )
    return {requestId: output.$metadata.requestId, experiment: toExperiment(output.experiment ?? {})}
  }

  async getExperiment(id: string): Promise<Experiment | undefined> {
    try {
      const output = await this.call('GetExperiment', false, (abortSignal) =>
        this.client.send(new GetExperimentCommand({id}), {abortSignal}),
      )
      return output.experiment ? toExperiment(output.experiment) : undefined
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  listExperiments(): Promise<ExperimentSummary[]> {
    return allPages(async (nextToken) => {
      const page = await this.call('ListExperiments', false, (abortSignal) =>
        this.client.send(new ListExperimentsCommand({maxResults: 100, nextToken}), {abortSignal}),
      )
      const experiments = (page.experiments ?? []).map((experiment) => ({
        id: experiment.id ?? '',
        templateId: experiment.experimentTemplateId ?? '',
        // Client 3.523 lacks newer status values such as `cancelled`: statuses stay open strings.
        status: String(experiment.state?.status ?? 'unknown'),
        creationTime: experiment.creationTime?.toISOString(),
        tags: experiment.tags ?? {},
      }))
      return {items: experiments, next: page.nextToken}
    })
  }

  async stopExperiment(id: string): Promise<Mutation> {
    const output = await this.call('StopExperiment', true, (abortSignal) =>
      this.client.send(new StopExperimentCommand({id}), {abortSignal}),
    )
    return {requestId: output.$metadata.requestId}
  }
}

function toExperiment(sdk: SdkExperiment): Experiment {
  return {
    id: sdk.id ?? '',
    templateId: sdk.experimentTemplateId ?? '',
    status: String(sdk.state?.status ?? 'unknown'),
    reason: sdk.state?.reason,
    actions: Object.entries(sdk.actions ?? {}).map(([name, action]) => ({
      name,
      actionId: action.actionId ?? '',
      status: String(action.state?.status ?? 'unknown'),
      reason: action.state?.reason,
      startTime: action.startTime?.toISOString(),
      endTime: action.endTime?.toISOString(),
    })),
    creationTime: sdk.creationTime?.toISOString(),
    startTime: sdk.startTime?.toISOString(),
    endTime: sdk.endTime?.toISOString(),
    tags: sdk.tags ?? {},
  }
}
