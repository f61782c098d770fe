export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

export interface StsPort {
  getCallerIdentity(): Promise<CallerIdentity>
}
