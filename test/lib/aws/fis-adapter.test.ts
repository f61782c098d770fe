import {
  ConflictException,
  FisClient,
  GetExperimentCommand,
  GetExperimentTemplateCommand,
  ListExperimentTemplatesCommand,
  ListExperimentsCommand,
  ResourceNotFoundException,
  StartExperimentCommand,
  StopExperimentCommand,
} from '@aws-sdk/client-fis'
import 'aws-sdk-client-mock-vitest/extend'
import {afterEach, describe, expect, it} from 'vitest'

import {FisAdapter} from '../../../src/lib/aws/fis.js'
import {awsError, type CallerOptions, callerFor, mockOldClient, oldCommand} from './harness.js'

const fisMock = mockOldClient(FisClient)
afterEach(() => fisMock.reset())

const fis = (options: CallerOptions = {}) =>
  new FisAdapter('us-east-1', new FisClient({region: 'us-east-1'}), callerFor('FIS', 'us-east-1', options))

const notFound = (what: string) =>
  new ResourceNotFoundException({message: `${what} not found`, $metadata: {httpStatusCode: 404}})

describe('FIS adapter: templates', () => {
  it('lists templates 100 at a time, following nextToken to the end', async () => {
    fisMock
      .on(oldCommand(ListExperimentTemplatesCommand))
      .resolvesOnce({
        experimentTemplates: [{id: 'EXT1', description: 'az outage', tags: {Env: 'prod'}}],
        nextToken: 'n2',
      })
      .resolvesOnce({experimentTemplates: [], nextToken: 'n3'})
      .resolvesOnce({experimentTemplates: [{id: 'EXT2'}]})
    await expect(fis().listExperimentTemplates()).resolves.toEqual([
      {id: 'EXT1', description: 'az outage', tags: {Env: 'prod'}},
      {id: 'EXT2', description: '', tags: {}},
    ])
    const inputs = fisMock.commandCalls(oldCommand(ListExperimentTemplatesCommand)).map((call) => call.args[0].input)
    expect(inputs).toEqual([
      {maxResults: 100, nextToken: undefined},
      {maxResults: 100, nextToken: 'n2'},
      {maxResults: 100, nextToken: 'n3'},
    ])
  })

  it('maps a template: targets, actions with their order, stop conditions', async () => {
    fisMock.on(oldCommand(GetExperimentTemplateCommand), {id: 'EXT1'}).resolves({
      experimentTemplate: {
        id: 'EXT1',
        description: 'Aurora failover drill',
        tags: {Env: 'prod'},
        roleArn: 'arn:aws:iam::111122223333:role/fis',
        targets: {
          clusters: {
            resourceType: 'aws:rds:cluster',
            resourceArns: ['arn:aws:rds:us-east-1:111122223333:cluster:orders-use1'],
            selectionMode: 'ALL',
          },
        },
        actions: {
          pause: {actionId: 'aws:fis:wait', parameters: {duration: 'PT1M'}},
          failover: {
            actionId: 'aws:rds:failover-db-cluster',
            description: 'fail the writer over',
            targets: {Clusters: 'clusters'},
            startAfter: ['pause'],
          },
        },
        stopConditions: [
          {source: 'aws:cloudwatch:alarm', value: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-5xx'},
          {source: 'none'},
        ],
      },
    })
    await expect(fis().getExperimentTemplate('EXT1')).resolves.toEqual({
      id: 'EXT1',
      description: 'Aurora failover drill',
      tags: {Env: 'prod'},
      roleArn: 'arn:aws:iam::111122223333:role/fis',
      targets: {
        clusters: {
          resourceType: 'aws:rds:cluster',
          resourceArns: ['arn:aws:rds:us-east-1:111122223333:cluster:orders-use1'],
          resourceTags: {},
          selectionMode: 'ALL',
        },
      },
      actions: {
        pause: {
          actionId: 'aws:fis:wait',
          description: undefined,
          parameters: {duration: 'PT1M'},
          targets: {},
          startAfter: [],
        },
        failover: {
          actionId: 'aws:rds:failover-db-cluster',
          description: 'fail the writer over',
          parameters: {},
          targets: {Clusters: 'clusters'},
          startAfter: ['pause'],
        },
      },
      stopConditions: [
        {source: 'aws:cloudwatch:alarm', value: 'arn:aws:cloudwatch:us-east-1:111122223333:alarm:orders-5xx'},
        {source: 'none', value: undefined},
      ],
    })
    expect(fisMock).toHaveReceivedCommandExactlyOnceWith(oldCommand(GetExperimentTemplateCommand), {id: 'EXT1'})
  })

  it('returns undefined for a template that does not exist, and passes on access denied', async () => {
    fisMock
      .on(oldCommand(GetExperimentTemplateCommand))
      .rejectsOnce(notFound('Experiment template EXT9'))
      .rejects(awsError('AccessDeniedException', 'not authorized to perform: fis:GetExperimentTemplate', 403))
    await expect(fis().getExperimentTemplate('EXT9')).resolves.toBeUndefined()
    await expect(fis().getExperimentTemplate('EXT1')).rejects.toMatchObject({
      kind: 'access-denied',
      hints: [expect.stringContaining('fis:GetExperimentTemplate in us-east-1')],
    })
  })
})

describe('FIS adapter: experiments', () => {
  const experiment = {
    id: 'EXP1',
    experimentTemplateId: 'EXT1',
    state: {status: 'running' as const, reason: 'Experiment is running.'},
    actions: {
      failover: {
        actionId: 'aws:rds:failover-db-cluster',
        state: {status: 'completed' as const, reason: 'Action was completed.'},
        startTime: new Date('2026-01-01T00:01:00Z'),
        endTime: new Date('2026-01-01T00:02:00Z'),
      },
    },
    creationTime: new Date('2026-01-01T00:00:00Z'),
    startTime: new Date('2026-01-01T00:00:01Z'),
    tags: {'drctl:run': 'r-1'},
  }
  const mapped = {
    id: 'EXP1',
    templateId: 'EXT1',
    status: 'running',
    reason: 'Experiment is running.',
    actions: [
      {
        name: 'failover',
        actionId: 'aws:rds:failover-db-cluster',
        status: 'completed',
        reason: 'Action was completed.',
        startTime: '2026-01-01T00:01:00.000Z',
        endTime: '2026-01-01T00:02:00.000Z',
      },
    ],
    creationTime: '2026-01-01T00:00:00.000Z',
    startTime: '2026-01-01T00:00:01.000Z',
    endTime: undefined,
    tags: {'drctl:run': 'r-1'},
  }

  it('starts an experiment with its idempotency token and tags, and maps what comes back', async () => {
    fisMock.on(oldCommand(StartExperimentCommand)).resolves({experiment, $metadata: {requestId: 'req-s'}})
    await expect(
      fis().startExperiment({templateId: 'EXT1', clientToken: 'drctl-r-1', tags: {'drctl:run': 'r-1'}}),
    ).resolves.toEqual({requestId: 'req-s', experiment: mapped})
    expect(fisMock.commandCalls(oldCommand(StartExperimentCommand))[0]?.args[0].input).toEqual({
      experimentTemplateId: 'EXT1',
      clientToken: 'drctl-r-1',
      tags: {'drctl:run': 'r-1'},
    })
  })

  it('reads an experiment; one that does not exist is undefined', async () => {
    fisMock
      .on(oldCommand(GetExperimentCommand), {id: 'EXP1'})
      .resolves({experiment})
      .on(oldCommand(GetExperimentCommand), {id: 'EXP9'})
      .rejects(notFound('Experiment EXP9'))
    await expect(fis().getExperiment('EXP1')).resolves.toEqual(mapped)
    await expect(fis().getExperiment('EXP9')).resolves.toBeUndefined()
    expect(fisMock).toHaveReceivedCommandWith(oldCommand(GetExperimentCommand), {id: 'EXP9'})
  })

  it('lists experiments 100 at a time, following nextToken to the end; statuses stay open strings', async () => {
    fisMock
      .on(oldCommand(ListExperimentsCommand))
      .resolvesOnce({
        experiments: [
          {
            id: 'EXP1',
            experimentTemplateId: 'EXT1',
            state: {status: 'completed'},
            creationTime: new Date('2026-01-01T00:00:00Z'),
            tags: {'drctl:run': 'r-1'},
          },
        ],
        nextToken: 'e2',
      })
      .resolvesOnce({experiments: [{id: 'EXP2', experimentTemplateId: 'EXT1', state: {status: 'cancelled' as never}}]})
    await expect(fis().listExperiments()).resolves.toEqual([
      {
        id: 'EXP1',
        templateId: 'EXT1',
        status: 'completed',
        creationTime: '2026-01-01T00:00:00.000Z',
        tags: {'drctl:run': 'r-1'},
      },
      {id: 'EXP2', templateId: 'EXT1', status: 'cancelled', creationTime: undefined, tags: {}},
    ])
    expect(fisMock.commandCalls(oldCommand(ListExperimentsCommand)).map((call) => call.args[0].input)).toEqual([
      {maxResults: 100, nextToken: undefined},
      {maxResults: 100, nextToken: 'e2'},
    ])
  })

  it('stops an experiment by id; stopping one that already ended reads as invalid state', async () => {
    fisMock
      .on(oldCommand(StopExperimentCommand))
      .resolvesOnce({$metadata: {requestId: 'req-stop'}})
      .rejects(new ConflictException({message: 'Experiment EXP1 is not running', $metadata: {httpStatusCode: 409}}))
    await expect(fis().stopExperiment('EXP1')).resolves.toEqual({requestId: 'req-stop'})
    expect(fisMock).toHaveReceivedCommandWith(oldCommand(StopExperimentCommand), {id: 'EXP1'})
    await expect(fis().stopExperiment('EXP1')).rejects.toMatchObject({
      kind: 'invalid-state',
      code: 'DRCTL_AWS_INVALID_STATE',
    })
  })

  it('reads throttling as throttling', async () => {
    fisMock.on(oldCommand(ListExperimentsCommand)).rejects(awsError('ThrottlingException', 'Rate exceeded', 429))
    await expect(fis().listExperiments()).rejects.toMatchObject({kind: 'throttling', code: 'DRCTL_AWS_THROTTLED'})
  })

  it('refuses to start or stop an experiment in a read-only run without sending anything', async () => {
    const readOnly = fis({readOnly: true})
    await expect(readOnly.startExperiment({templateId: 'EXT1', clientToken: 't', tags: {}})).rejects.toThrow(
      /read-only/,
    )
    await expect(readOnly.stopExperiment('EXP1')).rejects.toThrow(/read-only/)
    expect(fisMock).not.toHaveReceivedAnyCommand()
  })
})
