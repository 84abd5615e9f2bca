/** @autoscaler/aws-lambda: the Lambda handler and its parts (the CDK stack lives in infra/). */
export { handler, invocationDeadline, type LambdaContextLike } from './handler';
export { handleEvent, type HandlerResult, type InvocationOptions } from './handle-event';
export { buildDeps, type LambdaDeps, type DepsOverrides } from './deps';
export { parseEnv, type LambdaConfig } from './config';
export { loadPolicy, policyFromText } from './policy-source';
