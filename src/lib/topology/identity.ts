import type {AwsPorts, CallerIdentity} from '../aws/ports.js'
import type {DrctlConfig} from '../config/schema.js'
import {DrctlError} from '../core/errors.js'

export interface Identity extends CallerIdentity {
  /** The Region STS was asked in. */
  region: string
  /** The account drctl.yaml pins, if any. */
  pinnedAccount?: string
}

/**
 * Who the credentials are: STS GetCallerIdentity (which needs no IAM permission) in `region`, by default the
 * topology's first Region.
 */
export async function readIdentity(
  config: DrctlConfig,
  aws: AwsPorts,
  region = config.regions[0] as string,
): Promise<Identity> {
  const identity = await aws.sts(region).getCallerIdentity()
  return {...identity, region, pinnedAccount: config.account}
}

/** Refuses to go on with credentials of another account than the one drctl.yaml pins. */
export function verifyAccount(pinned: string | undefined, identity: CallerIdentity): void {
  if (pinned && identity.account !== pinned) {
    throw new DrctlError(
      'DRCTL_ACCOUNT_MISMATCH',
      `credentials belong to account ${identity.account}, but drctl.yaml pins account ${pinned}`,
      {hints: ['use the profile for the pinned account (--profile NAME), or fix account: in drctl.yaml']},
    )
  }
}
