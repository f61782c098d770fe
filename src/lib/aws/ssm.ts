import {
  GetParameterCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  type Parameter,
  type SSMClient,
} from '@aws-sdk/client-ssm'

import {AwsCallError} from './errors.js'
import {allPages} from './pages.js'
import type {Mutation, SsmParameter, SsmPort} from './ports.js'
import type {Caller} from './session.js'

export class SsmAdapter implements SsmPort {
  constructor(
    readonly region: string,
    private readonly client: SSMClient,
    private readonly call: Caller,
  ) {}

  listParameters(path: string): Promise<SsmParameter[]> {
    return allPages(async (token) => {
      const page = await this.call('GetParametersByPath', false, (abortSignal) =>
        this.client.send(new GetParametersByPathCommand({Path: path, Recursive: true, NextToken: token}), {
          abortSignal,
        }),
      )
      return {items: (page.Parameters ?? []).map((parameter) => parameterOf(parameter, '')), next: page.NextToken}
    })
  }

  async getParameter(name: string): Promise<SsmParameter | undefined> {
    try {
      const output = await this.call('GetParameter', false, (abortSignal) =>
        this.client.send(new GetParameterCommand({Name: name}), {abortSignal}),
      )
      return output.Parameter ? parameterOf(output.Parameter, name) : undefined
    } catch (error) {
      if (error instanceof AwsCallError && error.kind === 'not-found') return undefined
      throw error
    }
  }

  async putParameter(input: {
    name: string
    value: string
    type: 'String' | 'StringList'
  }): Promise<Mutation & {version: number}> {
    const output = await this.call('PutParameter', true, (abortSignal) =>
      this.client.send(
        // Overwrite: a DR flag exists already on every move but the first (aws-reference-steps §7).
        new PutParameterCommand({Name: input.name, Value: input.value, Type: input.type, Overwrite: true}),
        {abortSignal},
      ),
    )
    return {requestId: output.$metadata.requestId, version: output.Version ?? 0}
  }
}

function parameterOf(parameter: Parameter, name: string): SsmParameter {
  return {
    name: parameter.Name ?? name,
    value: parameter.Value ?? '',
    type: parameter.Type ?? 'String',
    version: parameter.Version ?? 0,
  }
}
