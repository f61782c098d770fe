#!/usr/bin/env node
// The AWS SDK warns about Node 20 on first client use; operators must not see it mid-incident.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
process.env.OCLIF_SKIP_NEW_VERSION_CHECK ??= 'true'
const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
