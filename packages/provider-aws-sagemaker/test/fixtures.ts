import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { createSnsSigningIdentity, signSnsFields, type SnsSigningIdentity } from '@autoscaler/sandbox-aws';

const DIR = join(__dirname, '../../testing/fixtures/aws');

/** A golden AWS event (see packages/testing/fixtures/aws/README.md for provenance). */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(DIR, name), 'utf8')) as T;
}

let identity: SnsSigningIdentity | undefined;
/** One locally generated SNS signing key per test process. */
export function testIdentity(): SnsSigningIdentity {
  identity ??= createSnsSigningIdentity();
  return identity;
}

/** The fixture's signature is a truncated doc example: re-sign the record with the test key (SignatureVersion kept or set). */
export function resign(event: SNSEvent, version?: '1' | '2', key = testIdentity().privateKey): SNSEvent {
  const copy = structuredClone(event);
  for (const r of copy.Records) {
    const v = version ?? (r.Sns.SignatureVersion === '2' ? '2' : '1');
    r.Sns.SignatureVersion = v;
    r.Sns.Signature = signSnsFields(r.Sns, key, v);
  }
  return copy;
}

/** Serves the test certificate for exactly the URLs the fixtures name. */
export const fixtureCertFetcher = async (url: string): Promise<string> => {
  if (!/^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/.test(url)) throw new Error(`unexpected cert URL ${url}`);
  return testIdentity().certificatePem;
};

/** The verbatim EventBridge / alarm-action fixtures name EC2 / Logs metrics: point their dimensions at a SageMaker variant. */
export function onVariant<T>(event: T, endpoint = 'my-endpoint', variant = 'AllTraffic'): T {
  const copy = structuredClone(event) as {
    detail?: { configuration: { metrics: Array<{ metricStat?: { metric: { dimensions: Record<string, string> } } }> } };
    alarmData?: { configuration: { metrics: Array<{ metricStat?: { metric: { dimensions: Record<string, string> } } }> } };
  };
  const detail = copy.detail ?? copy.alarmData!;
  for (const m of detail.configuration.metrics) if (m.metricStat) m.metricStat.metric.dimensions = { EndpointName: endpoint, VariantName: variant };
  return copy as T;
}
