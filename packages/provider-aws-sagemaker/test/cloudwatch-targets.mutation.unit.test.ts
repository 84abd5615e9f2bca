import type { SNSEvent } from 'aws-lambda';
import { ValidationError } from '@autoscaler/core';
import { CloudWatchAlarmSource } from '../src';
import { targetsOfDimensions } from '../src/alarms/cloudwatch-source';
import { fixture } from './fixtures';

/** Which SageMaker target an alarm's dimensions name, and the metric an SNS math alarm reports (kills survivors of the mutation run). */

type Json = Record<string, unknown>;
const open = (): CloudWatchAlarmSource => new CloudWatchAlarmSource({ verifySns: false });

/** The golden SNS alarm with its trigger replaced; unsigned. */
function snsWithTrigger(trigger: Json): SNSEvent {
  const e = fixture<SNSEvent>('sns-cloudwatch-alarm.json');
  const m = JSON.parse(e.Records[0]!.Sns.Message) as Json;
  m['Trigger'] = trigger;
  e.Records[0]!.Sns.Message = JSON.stringify(m);
  return e;
}

function refusal(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return e.issues.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('accepted');
}

const NO_TARGET =
  'names no SageMaker target (needs an InferenceComponentName dimension, EndpointName and VariantName, or an EndpointName whose variant this autoscaler manages)';
const pair = (name: string, value: string) => ({ name, value });
const metric = (dimensions: Array<{ name: string; value: string }>, name?: string) => ({
  Id: 'm1',
  MetricStat: { Metric: { ...(name ? { MetricName: name } : {}), Dimensions: dimensions } },
});
const VARIANT = [pair('EndpointName', 'my-endpoint'), pair('VariantName', 'AllTraffic')];

describe('targetsOfDimensions', () => {
  it('a VariantName without an EndpointName names no target (not endpoint/undefined/...)', () => {
    expect(refusal(() => targetsOfDimensions([{ VariantName: 'AllTraffic' }], 'p', ['endpoint/undefined/variant/AllTraffic']))).toEqual([
      { path: 'p', message: NO_TARGET },
    ]);
    expect(refusal(() => open().parse(snsWithTrigger({ MetricName: 'CPUUtilization', Dimensions: [pair('VariantName', 'AllTraffic')] })))).toEqual([
      { path: 'Records[0].Sns.Message.Trigger.Dimensions', message: NO_TARGET },
    ]);
  });

  it('an endpoint name that is no SageMaker name is quoted, cut at 200 characters', () => {
    const name = `bad_name${'x'.repeat(300)}`;
    expect(refusal(() => targetsOfDimensions([{ EndpointName: name }], 'p', []))).toEqual([
      { path: 'p.EndpointName', message: `"${name.slice(0, 200)}" is not a SageMaker endpoint name (letters, digits, hyphens; at most 63)` },
    ]);
  });

  it('an endpoint with several managed variants lists them, comma-separated', () => {
    const managed = ['endpoint/e/variant/A', 'endpoint/e/variant/B', 'endpoint/f/variant/A'];
    expect(refusal(() => targetsOfDimensions([{ EndpointName: 'e' }], 'p', managed))).toEqual([
      {
        path: 'p.VariantName',
        message:
          'missing: the alarm names endpoint e only, which has several managed variants (endpoint/e/variant/A, endpoint/e/variant/B); add a VariantName dimension',
      },
    ]);
  });
});

describe('SNS math alarms', () => {
  it('metrics naming no target are refused under Trigger.Metrics', () => {
    expect(refusal(() => open().parse(snsWithTrigger({ Metrics: [metric([pair('InstanceId', 'i-1')], 'CPUUtilization')], Threshold: 1 })))).toEqual([
      { path: 'Records[0].Sns.Message.Trigger.Metrics', message: NO_TARGET },
    ]);
  });

  it.each([
    ['an expression before the metric', { Metrics: [{ Id: 'e1', Expression: 'm1*2' }, metric(VARIANT, 'CPUUtilization')], Threshold: 1 }, 'CPUUtilization'],
    ['metrics with no name', { Metrics: [metric(VARIANT)], Threshold: 1 }, 'expression'],
    ['neither a metric name nor metrics', { Dimensions: VARIANT, Threshold: 1 }, 'expression'],
  ])('the metric name with %s', (_what, trigger, name) => {
    const [s] = open().parse(snsWithTrigger(trigger));
    expect(s).toMatchObject({ target: { id: 'endpoint/my-endpoint/variant/AllTraffic' }, metric: name });
  });
});

describe('verify', () => {
  it('an empty delivery is verified as nothing, with no clients needed', async () => {
    await expect(new CloudWatchAlarmSource().verify([])).resolves.toEqual([]);
  });
});
