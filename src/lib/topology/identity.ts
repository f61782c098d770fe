import type {CallerIdentity} from '../aws/ports.js'
import {DrctlError} from '../core/errors.js'

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
