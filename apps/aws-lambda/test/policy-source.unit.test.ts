import { ValidationError } from '@autoscaler/core';
import { policyFromText } from '../src/policy-source';

const doc = (notifications: unknown[]): Record<string, unknown> => ({
  name: 'p',
  targets: [{ provider: 'aws-sagemaker', id: 'endpoint/my-endpoint/variant/AllTraffic' }],
  limits: { minReplicas: 1, maxReplicas: 4 },
  rules: [{ name: 'up', threshold: { alarm: 'high', change: 1 } }],
  notifications,
});
const yaml = (entry: string): string =>
  `name: p\ntargets: [{ provider: aws-sagemaker, id: endpoint/my-endpoint/variant/AllTraffic }]\nlimits: { minReplicas: 1, maxReplicas: 4 }\nrules: [{ name: up, threshold: { alarm: high, change: 1 } }]\nnotifications: [${entry}]\n`;

async function refusal(text: string): Promise<ValidationError> {
  const e = await policyFromText(text, 'AUTOSCALER_POLICY').catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ValidationError);
  return e as ValidationError;
}

describe("the Lambda's policy: SNS notification entries are checked by the AWS kind, in JSON and YAML alike", () => {
  it('a good sns entry, and another cloud entry (skipped later with a warning), load', async () => {
    const arn = 'arn:aws:sns:us-east-1:123456789012:autoscaler-ops';
    const p = await policyFromText(
      JSON.stringify(
        doc([
          { type: 'sns', topicArn: arn },
          { type: 'ons', topicId: 'ocid1.onstopic.oc1..x' },
        ]),
      ),
      'AUTOSCALER_POLICY',
    );
    expect(p.notifications).toEqual([
      { type: 'sns', topicArn: arn },
      { type: 'ons', topicId: 'ocid1.onstopic.oc1..x' },
    ]);
    expect((await policyFromText(yaml(`{ type: sns, topicArn: '${arn}' }`), 'AUTOSCALER_POLICY')).notifications).toEqual([{ type: 'sns', topicArn: arn }]);
  });

  it.each([
    ['JSON', JSON.stringify(doc([{ type: 'sns', topicArn: 'not-an-arn' }]))],
    ['YAML', yaml('{ type: sns, topicArn: not-an-arn }')],
  ])('%s: a bad topic ARN is refused naming the field', async (_what, text) => {
    const e = await refusal(text);
    expect(e.issues).toContainEqual({
      path: 'notifications[0].topicArn',
      message: 'must be an SNS topic ARN like arn:aws:sns:us-east-1:123456789012:autoscaler-ops',
    });
  });

  it('a misspelt field of an sns entry is refused naming it', async () => {
    const e = await refusal(JSON.stringify(doc([{ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:t', topic: 'x' }])));
    expect(e.issues.map((i) => i.path)).toContain('notifications[0].topic');
  });
});
