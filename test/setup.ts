import {afterEach} from 'vitest'

// Tests never reach real AWS: dummy credentials, no instance-metadata probing, no SDK Node-version warning.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
process.env.AWS_EC2_METADATA_DISABLED = 'true'
process.env.AWS_ACCESS_KEY_ID ??= 'AKIATESTDRCTL0000000'
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret'
delete process.env.AWS_PROFILE
process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true'

afterEach(() => {
  process.exitCode = undefined
})
