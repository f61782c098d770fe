import {fromIni, fromNodeProviderChain} from '@aws-sdk/credential-providers'
import {loadSharedConfigFiles} from '@smithy/core/config'

import {DrctlError} from '../core/errors.js'

type CredentialProvider = ReturnType<typeof fromNodeProviderChain>

/** Where each Region's credentials come from: a profile (per Region if configured), the default chain, or fixed keys. */
export interface CredentialSource {
  forRegion(region: string): CredentialProvider
  /** The profiles this source will read, so they can be checked before any AWS call. */
  profiles(): string[]
}

export interface ProfileSelection {
  /** `--profile` wins over everything. */
  flag?: string
  /** `profile:` from drctl.yaml: one name, or one per Region. */
  config?: string | Record<string, string>
}

export function credentialSource(selection: ProfileSelection): CredentialSource {
  const providers = new Map<string, CredentialProvider>()
  const profileFor = (region: string): string | undefined => {
    if (selection.flag) return selection.flag
    if (typeof selection.config === 'string') return selection.config
    return selection.config?.[region]
  }
  return {
    forRegion(region) {
      const profile = profileFor(region)
      const key = profile ?? ''
      if (!providers.has(key)) {
        // fromIni covers SSO profiles, role_arn + source_profile and credential_process; the default chain
        // covers environment keys, web identity and instance roles.
        providers.set(key, profile ? fromIni({profile}) : fromNodeProviderChain())
      }
      return providers.get(key) as CredentialProvider
    },
    profiles() {
      if (selection.flag) return [selection.flag]
      if (typeof selection.config === 'string') return [selection.config]
      return [...new Set(Object.values(selection.config ?? {}))]
    },
  }
}

/** Fixed credentials (the sandbox uses dummy keys; nothing real is ever needed there). */
export function staticCredentialSource(accessKeyId: string, secretAccessKey: string): CredentialSource {
  const provider: CredentialProvider = async () => ({accessKeyId, secretAccessKey})
  return {forRegion: () => provider, profiles: () => []}
}

/** Fails fast, before any AWS call, when a named profile is in neither ~/.aws/config nor ~/.aws/credentials. */
export async function assertProfilesExist(profiles: string[]): Promise<void> {
  if (profiles.length === 0) return
  const {configFile, credentialsFile} = await loadSharedConfigFiles()
  const missing = profiles.filter((name) => !(name in configFile) && !(name in credentialsFile))
  if (missing.length > 0) {
    const known = [...new Set([...Object.keys(configFile), ...Object.keys(credentialsFile)])].sort()
    throw new DrctlError(
      'DRCTL_PROFILE_NOT_FOUND',
      `AWS profile ${missing.map((name) => `'${name}'`).join(', ')} not found in the shared config or credentials file`,
      {
        hints: [
          known.length > 0
            ? `known profiles: ${known.join(', ')}`
            : 'no profiles are configured: run `aws configure --profile NAME` or `aws configure sso`',
        ],
      },
    )
  }
}
