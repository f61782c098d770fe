/** ARN parsing every layer shares (`arn:partition:service:region:account:resource`). */

export function regionOfArn(arn: string): string {
  return arn.split(':')[3] ?? ''
}

/** The resource id at the end of an ARN (`arn:aws:rds:us-east-1:1:cluster:orders` → `orders`); an id stays as is. */
export function resourceIdOfArn(arn: string): string {
  if (!arn.startsWith('arn:')) return arn
  const resource = arn.split(':').slice(5).join(':')
  return resource.split(/[:/]/).pop() ?? resource
}
