import type {JsonService} from '../protocol/aws-json.js'
import type {QueryService} from '../protocol/query.js'
import type {RestJsonService} from '../protocol/rest-json.js'
import type {RestXmlService} from '../protocol/rest-xml.js'
import type {S3Service} from '../protocol/s3.js'
import {arcControlService} from './arc.js'
import {cloudformationService} from './cloudformation.js'
import {cloudfrontService} from './cloudfront/index.js'
import {cloudwatchService} from './cloudwatch.js'
import {dynamodbService} from './dynamodb/index.js'
import {ecsService} from './ecs.js'
import {fisService} from './fis.js'
import {globalAcceleratorService} from './globalaccelerator/index.js'
import {lambdaService} from './lambda.js'
import {rdsService} from './rds/index.js'
import {rdsDataService} from './rds-data.js'
import {route53Service} from './route53/index.js'
import {s3Service} from './s3/index.js'
import {ssmService} from './ssm/index.js'
import {stsService} from './sts.js'

/** A simulated service; its `protocol` says how requests reach its operations and how it answers. */
export type Service = QueryService | JsonService | RestJsonService | RestXmlService | S3Service

/**
 * Every simulated service, by the SigV4 signing name of its calls (the service in their credential scope). Adding a
 * service is its folder under services/ and one line here. The ARC data plane is not listed: it answers only on the
 * ARC cluster endpoint listeners.
 */
export const SERVICES: Readonly<Record<string, Service>> = {
  rds: rdsService,
  dynamodb: dynamodbService,
  cloudformation: cloudformationService,
  fis: fisService,
  monitoring: cloudwatchService,
  sts: stsService,
  'route53-recovery-control-config': arcControlService,
  ssm: ssmService,
  ecs: ecsService,
  lambda: lambdaService,
  route53: route53Service,
  cloudfront: cloudfrontService,
  globalaccelerator: globalAcceleratorService,
  s3: s3Service,
  'rds-data': rdsDataService,
}
