/** @autoscaler/oci-function: the OCI Functions handler logic (the fdk entry is src/main.ts). */
export { handleAlarm, resetContainer, type FunctionResult, type FunctionContext, type HandlerDeps } from './handle-alarm';
export { loadConfig, policyUrlProblem, redactPolicyUrl, type FunctionConfig } from './config';
export { isEvaluateRequest, EVALUATE_REQUEST } from './evaluate-request';
export { fetchObjectText, PolicySource, type FetchText } from './policy-source';
