import { PutMetricAlarmCommand, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { ValidationError, validatePolicy, type Signal, type TargetRef } from '@autoscaler/core';
import fc from 'fast-check';
import { CloudWatchAlarmSource, alarmsForPolicy } from '../src';
import { targetsOfDimensions } from '../src/alarms/cloudwatch-source';
import { parseTargetId } from '../src/ids';
import { fixture } from './fixtures';
import { ENDPOINT, REF, startWorld, VARIANT, type TestWorld } from './world';
import { alarmFiringRequest, sageMakerAlarmRequest } from '@autoscaler/sandbox-aws';

const IC = 'llama-ic';
const IC_REF: TargetRef = { provider: 'aws-sagemaker', id: `inference-component/${IC}` };

let w: TestWorld;
afterEach(async () => w?.close());

type Dims = Record<string, string>;

/** The verbatim EventBridge alarm event with its metric's dimensions replaced. */
function eventWith(dimensions: Dims): unknown {
  const e = fixture<{ detail: { configuration: { metrics: Array<{ metricStat?: { metric: { dimensions: Dims } } }> } } }>(
    'eventbridge-alarm-state-change.json',
  );
  for (const m of e.detail.configuration.metrics) if (m.metricStat) m.metricStat.metric.dimensions = dimensions;
  return e;
}

function refusal(fn: () => unknown): { paths: string[]; message: string } {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { paths: e.issues.map((i) => i.path), message: e.issues.map((i) => i.message).join('; ') };
  }
  throw new Error('accepted');
}

describe('alarm dimensions -> target', () => {
  it('InferenceComponentName names the component; EndpointName alone names the one managed variant of that endpoint', () => {
    const src = new CloudWatchAlarmSource({ verifySns: false, targets: [REF.id, IC_REF.id, 'endpoint/other/variant/A', 'endpoint/other/variant/B'] });
    expect(src.parse(eventWith({ InferenceComponentName: IC }))[0]!.target.id).toBe(IC_REF.id);
    expect(src.parse(eventWith({ EndpointName: ENDPOINT }))[0]!.target.id).toBe(REF.id);
    expect(src.parse(eventWith({ EndpointName: ENDPOINT, VariantName: VARIANT }))[0]!.target.id).toBe(REF.id);
  });

  it.each([
    ['no targets given', undefined, { EndpointName: ENDPOINT }, /given no targets/],
    ['no managed variant of the endpoint', [IC_REF.id], { EndpointName: ENDPOINT }, /no managed target is a variant of it/],
    ['several managed variants', ['endpoint/other/variant/A', 'endpoint/other/variant/B'], { EndpointName: 'other' }, /several managed variants/],
  ])('an endpoint-only alarm with %s is refused naming VariantName', (_what, targets, dims, reason) => {
    const src = new CloudWatchAlarmSource({ verifySns: false, ...(targets ? { targets } : {}) });
    const r = refusal(() => src.parse(eventWith(dims)));
    expect(r.paths).toEqual(['detail.configuration.metrics.VariantName']);
    expect(r.message).toMatch(reason);
  });

  it('a malformed component or endpoint name is refused naming that dimension', () => {
    const src = new CloudWatchAlarmSource({ verifySns: false, targets: [REF.id] });
    expect(refusal(() => src.parse(eventWith({ InferenceComponentName: 'bad_name' }))).paths).toEqual(['detail.configuration.metrics.InferenceComponentName']);
    expect(refusal(() => src.parse(eventWith({ EndpointName: '../x' }))).paths).toEqual(['detail.configuration.metrics.EndpointName']);
    expect(refusal(() => src.parse(eventWith({ InstanceId: 'i-1' }))).paths).toEqual(['detail.configuration.metrics']);
  });

  it('fuzz: any dimensions give well-formed target ids or a ValidationError, never another throw', () => {
    const name = fc.oneof(fc.constantFrom(ENDPOINT, VARIANT, IC, 'other', ''), fc.string({ maxLength: 70 }));
    const dims = fc.dictionary(fc.constantFrom('InferenceComponentName', 'EndpointName', 'VariantName', 'InstanceId'), name);
    fc.assert(
      fc.property(fc.array(dims, { maxLength: 3 }), fc.option(fc.constantFrom([REF.id], [REF.id, IC_REF.id], []), { nil: undefined }), (sets, managed) => {
        try {
          const ids = targetsOfDimensions(sets, 'dims', managed);
          expect(ids.length).toBeGreaterThan(0);
          for (const id of ids) expect(() => parseTargetId(id)).not.toThrow();
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('alarmsForPolicy: a component alarm is on InferenceComponentName, a per-endpoint metric on EndpointName only', () => {
    const policy = validatePolicy({
      name: 'p',
      targets: [{ ...REF }, { ...IC_REF }],
      limits: { minReplicas: 0, maxReplicas: 4 },
      rules: [
        { name: 'wake', threshold: { metric: 'HasBacklogWithoutCapacity', above: 0, change: 1 } },
        { name: 'nocap', threshold: { metric: 'NoCapacityInvocationFailures', above: 0, change: 1 } },
      ],
    });
    const [wake] = alarmsForPolicy(policy, REF, 'arn:aws:sns:us-east-1:123456789012:t');
    expect(wake).toMatchObject({ AlarmName: `autoscaler-app-${ENDPOINT}-${VARIANT}-wake`, Dimensions: [{ Name: 'EndpointName', Value: ENDPOINT }] });
    const [, nocap] = alarmsForPolicy(policy, IC_REF, 'arn:aws:sns:us-east-1:123456789012:t');
    expect(nocap).toMatchObject({
      AlarmName: `autoscaler-app-ic-${IC}-nocap`,
      Dimensions: [{ Name: 'InferenceComponentName', Value: IC }],
      Statistic: 'Sum',
    });
  });
});

describe('verify and poll against CloudWatch (the fake)', () => {
  async function inAlarm(name: string, metric: string, dimensions: Dims): Promise<void> {
    await w.clients.cloudwatch.send(
      new PutMetricAlarmCommand(sageMakerAlarmRequest({ name, metric, dimensions, threshold: 1, comparison: 'GreaterThanOrEqualToThreshold' })),
    );
    await w.clients.cloudwatch.send(new SetAlarmStateCommand(alarmFiringRequest(name, 3, 1)));
  }
  const signal = (id: string, name: string): Signal => ({
    target: { provider: 'aws-sagemaker', id },
    source: 'cloudwatch',
    metric: 'm',
    alarm: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`,
    alarmName: name,
    state: 'firing',
    dedupeKey: 'k',
    at: w.clock.now(),
  });

  it('keeps a component alarm and an endpoint-only alarm for the targets they name, refuses one watching another component', async () => {
    w = await startWorld();
    await inAlarm(`autoscaler-app-ic-${IC}-nocap`, 'NoCapacityInvocationFailures', { InferenceComponentName: IC });
    await inAlarm(`autoscaler-app-${ENDPOINT}-${VARIANT}-wake`, 'HasBacklogWithoutCapacity', { EndpointName: ENDPOINT });
    const src = new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock, targets: [REF.id, IC_REF.id] });
    const kept = await src.verify([signal(IC_REF.id, `autoscaler-app-ic-${IC}-nocap`), signal(REF.id, `autoscaler-app-${ENDPOINT}-${VARIANT}-wake`)]);
    expect(kept.map((s) => [s.target.id, s.value])).toEqual([
      [IC_REF.id, 3],
      [REF.id, 3],
    ]);
    await expect(src.verify([signal('inference-component/other-ic', `autoscaler-app-ic-${IC}-nocap`)])).rejects.toMatchObject({
      issues: [expect.objectContaining({ message: expect.stringContaining('does not watch inference-component/other-ic') })],
    });
    // An endpoint-only alarm does not watch a variant of another endpoint.
    await expect(src.verify([signal('endpoint/other/variant/AllTraffic', `autoscaler-app-${ENDPOINT}-${VARIANT}-wake`)])).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('poll finds a component alarm still in ALARM (autoscaler-app-ic-<name>-) and an endpoint-only alarm of a variant', async () => {
    w = await startWorld();
    await inAlarm(`autoscaler-app-ic-${IC}-nocap`, 'NoCapacityInvocationFailures', { InferenceComponentName: IC });
    await inAlarm(`autoscaler-app-${ENDPOINT}-${VARIANT}-wake`, 'HasBacklogWithoutCapacity', { EndpointName: ENDPOINT });
    const src = new CloudWatchAlarmSource({ clients: w.clients, clock: w.clock, targets: [REF.id, IC_REF.id] });
    expect((await src.poll(IC_REF, w.clock.now())).map((s) => [s.target.id, s.alarmName])).toEqual([[IC_REF.id, `autoscaler-app-ic-${IC}-nocap`]]);
    expect((await src.poll(REF, w.clock.now())).map((s) => [s.target.id, s.alarmName])).toEqual([[REF.id, `autoscaler-app-${ENDPOINT}-${VARIANT}-wake`]]);
  });
});
