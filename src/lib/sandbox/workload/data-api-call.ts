import {SANDBOX_CREDENTIALS} from '../world.js'

/**
 * An RDS Data API call on the wire (restJson1, as @aws-sdk/client-rds-data sends it) to a sandbox listener. The
 * sandbox is not a client of AWS (no SDK here, design.md §2): it speaks its own protocol, with the SigV4 credential
 * scope it routes on and no real signature, which it never checks.
 */
export class DataApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = code
  }
}

export async function executeStatement(
  endpoint: string,
  region: string,
  input: Record<string, unknown>,
  timeoutMs: number,
): Promise<Record<string, unknown>> {
  const date = new Date().toISOString().slice(0, 10).replaceAll('-', '')
  const scope = `${SANDBOX_CREDENTIALS.accessKeyId}/${date}/${region}/rds-data/aws4_request`
  const response = await fetch(`${endpoint}/Execute`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=content-type;host, Signature=sandbox`,
    },
    body: JSON.stringify(input),
    // A Region whose outage leaves calls hanging must not stop the workload for good.
    signal: AbortSignal.timeout(timeoutMs),
  })
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>
  if (!response.ok) {
    throw new DataApiError(response.headers.get('x-amzn-errortype') ?? 'UnknownError', String(body.message ?? ''))
  }
  return body
}
