import type {JsonService} from '../../protocol/aws-json.js'
import {deleteParameter, getParameter, getParameters, getParametersByPath, putParameter} from './parameters.js'

/** AWS Systems Manager Parameter Store (awsJson1_1, `AmazonSSM.<Operation>`, 2014-11-06). */
export const ssmService: JsonService = {
  protocol: 'awsJson1_1',
  targetPrefix: 'AmazonSSM',
  faultErrors: {
    throttling: {code: 'ThrottlingException', message: 'Rate exceeded', status: 400},
    internalCode: 'InternalServerError',
  },
  operations: {
    GetParameter: getParameter,
    GetParameters: getParameters,
    GetParametersByPath: getParametersByPath,
    PutParameter: putParameter,
    DeleteParameter: deleteParameter,
  },
}
