/**
 * Narrow, drctl-shaped views of the AWS services drctl uses, one file per service under ports/. Library code depends
 * on these interfaces only; the SDK adapters implement them, unit tests use in-memory fakes.
 */
import type {ArcControlPort, ArcDataOptions, ArcDataPort, ArcEndpoint} from './ports/arc.js'
import type {CloudFormationPort} from './ports/cloudformation.js'
import type {CloudWatchPort} from './ports/cloudwatch.js'
import type {DynamoDbPort} from './ports/dynamodb.js'
import type {EcsPort} from './ports/ecs.js'
import type {FisPort} from './ports/fis.js'
import type {LambdaPort} from './ports/lambda.js'
import type {RdsPort} from './ports/rds.js'
import type {RdsProxyPort} from './ports/rds-proxy.js'
import type {RdsDataPort} from './ports/rds-data.js'
import type {S3Port} from './ports/s3.js'
import type {SsmPort} from './ports/ssm.js'
import type {StsPort} from './ports/sts.js'
import type {Route53Port} from './ports/route53.js'
import type {CloudFrontPort} from './ports/cloudfront.js'
import type {GlobalAcceleratorPort} from './ports/global-accelerator.js'

export type * from './ports/arc.js'
export type * from './ports/cloudformation.js'
export type * from './ports/cloudwatch.js'
export type * from './ports/dynamodb.js'
export type * from './ports/ecs.js'
export type * from './ports/fis.js'
export type * from './ports/lambda.js'
export type * from './ports/mutation.js'
export type * from './ports/rds.js'
export type * from './ports/rds-proxy.js'
export type * from './ports/rds-data.js'
export type * from './ports/s3.js'
export type * from './ports/ssm.js'
export type * from './ports/sts.js'
export type * from './ports/route53.js'
export type * from './ports/cloudfront.js'
export type * from './ports/global-accelerator.js'

export interface AwsPorts {
  sts(region: string): StsPort
  rds(region: string): RdsPort
  dynamodb(region: string): DynamoDbPort
  cloudwatch(region: string): CloudWatchPort
  cloudformation(region: string): CloudFormationPort
  fis(region: string): FisPort
  ssm(region: string): SsmPort
  arcControl(): ArcControlPort
  arcData(endpoints: ArcEndpoint[], options?: ArcDataOptions): ArcDataPort
  /** Global services: one client each, in its control-plane Region (control-planes.ts). */
  route53(): Route53Port
  cloudfront(): CloudFrontPort
  globalAccelerator(): GlobalAcceleratorPort
  rdsProxy(region: string): RdsProxyPort
  ecs(region: string): EcsPort
  lambda(region: string): LambdaPort
  s3(region: string): S3Port
  rdsData(region: string): RdsDataPort
}
