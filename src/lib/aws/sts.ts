import {GetCallerIdentityCommand, type STSClient} from '@aws-sdk/client-sts'

import type {CallerIdentity, StsPort} from './ports.js'
import type {Caller} from './session.js'

export class StsAdapter implements StsPort {
  constructor(
    readonly region: string,
    private readonly client: STSClient,
    private readonly call: Caller,
  ) {}

  async getCallerIdentity(): Promise<CallerIdentity> {
    const output = await this.call('GetCallerIdentity', false, (abortSignal) =>
      this.client.send(new GetCallerIdentityCommand({}), {abortSignal}),
    )
    return {account: output.Account ?? '', arn: output.Arn ?? '', userId: output.UserId ?? ''}
  }
}
