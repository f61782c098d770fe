/** What every mutating call returns: the request id goes into the run journal. */
export interface Mutation {
  requestId?: string
}
