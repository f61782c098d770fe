#!/usr/bin/env -S node --import tsx --disable-warning=ExperimentalWarning
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
process.env.OCLIF_SKIP_NEW_VERSION_CHECK ??= 'true'
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})
