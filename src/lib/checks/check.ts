export type CheckStatus = 'ok' | 'warn' | 'fail'

/** One finding about the topology: a stable id, a verdict and one line an operator can act on. */
export interface Check {
  id: string
  status: CheckStatus
  message: string
}

export const ok = (id: string, message: string): Check => ({id, status: 'ok', message})
export const warn = (id: string, message: string): Check => ({id, status: 'warn', message})
export const fail = (id: string, message: string): Check => ({id, status: 'fail', message})

export function countByStatus(checks: Check[]): Record<CheckStatus, number> {
  return {
    ok: checks.filter((check) => check.status === 'ok').length,
    warn: checks.filter((check) => check.status === 'warn').length,
    fail: checks.filter((check) => check.status === 'fail').length,
  }
}
