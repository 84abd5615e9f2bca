import { ValidationError, validatePolicy, type Policy, type ValidatePolicyOptions } from '@autoscaler/core';
import { snsNotificationKind } from '@autoscaler/provider-aws-sagemaker';
import type { LambdaConfig } from './config';

/** SNS entries are checked by the AWS kind; another cloud's kind is left for buildNotifiers to skip with a warning. */
export const policyOptions = (source: string): ValidatePolicyOptions => ({ source, notificationKinds: [snsNotificationKind], otherNotificationTypes: 'allow' });

/** JSON is parsed here; YAML by a lazily loaded module (the YAML parser is ~110 KiB of bundle). */
export async function policyFromText(text: string, source: string): Promise<Policy> {
  if (text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new ValidationError(`${source}: not valid JSON: ${(e as Error).message}`, [{ path: '(document)', message: 'not valid JSON' }]);
    }
    return validatePolicy(doc, policyOptions(source));
  }
  const { parseYamlPolicy } = await import('./yaml-policy');
  return parseYamlPolicy(text, source);
}

/** Read the policy from the environment, SSM or S3 (once per container). The SSM and S3 clients load only when used. */
export async function loadPolicy(
  config: LambdaConfig,
  clientConfig: { region: string; endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } },
): Promise<Policy> {
  if (config.AUTOSCALER_POLICY !== undefined) return policyFromText(config.AUTOSCALER_POLICY, 'AUTOSCALER_POLICY');
  if (config.AUTOSCALER_POLICY_SSM !== undefined) {
    const { GetParameterCommand, SSMClient } = await import('@aws-sdk/client-ssm');
    const ssm = new SSMClient(clientConfig);
    const out = await ssm.send(new GetParameterCommand({ Name: config.AUTOSCALER_POLICY_SSM, WithDecryption: true }));
    const text = out.Parameter?.Value;
    if (!text) throw ValidationError.field('AUTOSCALER_POLICY_SSM', `parameter ${config.AUTOSCALER_POLICY_SSM} is empty`);
    return policyFromText(text, `ssm:${config.AUTOSCALER_POLICY_SSM}`);
  }
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(config.AUTOSCALER_POLICY_S3 ?? '');
  if (!m) throw ValidationError.field('AUTOSCALER_POLICY_S3', 'must be s3://bucket/key');
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const s3 = new S3Client({ ...clientConfig, forcePathStyle: clientConfig.endpoint !== undefined });
  const out = await s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  const text = await out.Body?.transformToString('utf8');
  if (!text) throw ValidationError.field('AUTOSCALER_POLICY_S3', `${config.AUTOSCALER_POLICY_S3} is empty`);
  return policyFromText(text, config.AUTOSCALER_POLICY_S3!);
}
