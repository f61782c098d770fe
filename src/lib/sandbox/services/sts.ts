import type {QueryService} from '../protocol/query.js'

/** STS GetCallerIdentity (awsQuery, 2011-06-15): the sandbox operator's assumed role. */
export const SANDBOX_ROLE = 'drctl-sandbox'
export const SANDBOX_SESSION = 'operator'

export const stsService: QueryService = {
  protocol: 'query',
  namespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  operations: {
    GetCallerIdentity: (context) => ({
      UserId: `AROASANDBOXDRCTLROLE0:${SANDBOX_SESSION}`,
      Account: context.world.account,
      Arn: `arn:aws:sts::${context.world.account}:assumed-role/${SANDBOX_ROLE}/${SANDBOX_SESSION}`,
    }),
  },
}
