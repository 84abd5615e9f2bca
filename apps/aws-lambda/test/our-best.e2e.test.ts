/**
 * The simulator's "our best" policy (packages/simulator/policies/our-best.yaml), read from disk
 * and given to the Lambda unchanged, run by the stack's periodic evaluation: EventBridge's
 * scheduled event -> handleEvent -> evaluateAll, with the `requests` history read from the fake
 * CloudWatch's GetMetricData (Invocations, Sum per minute by EndpointName/VariantName). No sleeps:
 * the fake and the deps share a ManualClock.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricDatum } from '@autoscaler/sandbox-aws';
import { handleEvent, invocationDeadline, type HandlerResult, type LambdaContextLike, type LambdaDeps } from '../src';
import { ENDPOINT, startLambdaWorld, TARGET_ID, VARIANT, type LambdaWorld, scheduledEvent } from './world';

jest.setTimeout(30_000);

const OUR_BEST = readFileSync(join(__dirname, '../../../packages/simulator/policies/our-best.yaml'), 'utf8');
/**
 * What the deployment adds outside the policy: the scheduled pass evaluates the variants the policy
 * lists under `targets:` (our-best.yaml names none, being deployable anywhere). Rules and limits are
 * the file's, byte for byte.
 */
const POLICY_TEXT = `${OUR_BEST}\ntargets:\n  - { provider: aws-sagemaker, id: ${TARGET_ID} }\n`;

const MINUTE = 60_000;
const SCHEDULED = scheduledEvent();

/** Lambda's context: `ms` of the invocation left, counted on the world's clock. */
function lambdaContext(w: LambdaWorld, ms: number): LambdaContextLike {
  const end = w.clock.now() + ms;
  return { getRemainingTimeInMillis: () => end - w.clock.now() };
}

/** The handler as Lambda runs it: the scheduled event, with the deadline from the context. */
async function tick(w: LambdaWorld, deps: LambdaDeps): Promise<HandlerResult> {
  const deadline = invocationDeadline(deps, lambdaContext(w, 30_000));
  return handleEvent(SCHEDULED, deps, deadline !== undefined ? { deadline } : {});
}

/** Invocations (Sum per minute) as SageMaker publishes them, one datum per minute from `from` (minutes before now) to `to`. */
function invocations(w: LambdaWorld, from: number, to: number, perMinute: (minutesAgo: number) => number): void {
  const now = w.clock.now();
  const points: MetricDatum[] = [];
  for (let m = from; m >= to; m--) points.push({ at: now - m * MINUTE, value: perMinute(m) });
  w.fake.cloudwatch.putMetricData('AWS/SageMaker', 'Invocations', { EndpointName: ENDPOINT, VariantName: VARIANT }, points);
}

const scalingCalls = (w: LambdaWorld): number => w.fake.calls('UpdateEndpointWeightsAndCapacities').filter((r) => r.status === 200).length;

let w: LambdaWorld;
afterEach(async () => w?.close());

describe('our-best.yaml, unchanged, in the AWS Lambda (periodic evaluation)', () => {
  it('a flat history that rises over the last hour: the forecast needs more than the 2 instances, the variant is scaled out', async () => {
    w = await startLambdaWorld();
    const deps = await w.container({ AUTOSCALER_POLICY: POLICY_TEXT });
    expect(deps.policies[0]).toMatchObject({ name: 'our-best', limits: { minReplicas: 1, maxReplicas: 100 } });
    expect(deps.policies[0]!.rules.map((r) => r.name)).toEqual(['forecast', 'load-now']);
    // 4 days (more than the 3 seasonal days the forecast reads) flat at 2,000/min, which 2 instances
    // at 1,500/min each serve; then 2,000 -> 6,000/min over the last hour.
    invocations(w, 4 * 24 * 60, 1, (ago) => (ago > 60 ? 2_000 : 2_000 + ((60 - ago) / 59) * 4_000));

    const result = await tick(w, deps);

    expect(result).toMatchObject({ ok: true, kind: 'recheck' });
    expect(result.records).toHaveLength(1);
    const record = result.records[0]!;
    expect(record.outcome).toBe('scaled');
    expect(record.from?.replicas).toBe(2);
    // 6,000/min and rising over a 420 s horizon needs at least 5 instances of 1,500/min.
    expect(record.to?.replicas).toBeGreaterThanOrEqual(5);
    expect(record.rule).toBe('forecast');
    expect(record.reason).toMatch(/forecast requests \d+(\.\d+)?\/period over 420s .* vs target 1500\/instance: \d+ replicas/);
    // The fake was asked for the history and took the scale-out.
    expect(w.fake.calls('GetMetricData').filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1);
    expect(scalingCalls(w)).toBe(1);
    expect(w.fake.sagemaker.snapshot(ENDPOINT)!.variants[0]).toMatchObject({ current: 2, desired: record.to!.replicas });
    w.clock.advance(5 * MINUTE);
    expect(w.fake.sagemaker.snapshot(ENDPOINT)).toMatchObject({
      status: 'InService',
      variants: [{ current: record.to!.replicas, desired: record.to!.replicas }],
    });
  });

  it.each([
    [
      'the series stopped 4 days ago (no datapoint in the window the forecast reads, so FILL has nothing to fill)',
      (world: LambdaWorld): void => invocations(world, 5 * 24 * 60, 4 * 24 * 60 + 60, () => 2_000),
      /forecast: forecast unavailable \(no datapoints\); reactive rules only/,
    ],
    [
      'the fake cannot serve the metric (GetMetricData fails every time)',
      (world: LambdaWorld): void => {
        invocations(world, 4 * 24 * 60, 1, () => 2_000);
        world.fake.inject({ kind: 'server-error', service: 'cloudwatch', operation: 'GetMetricData', times: Infinity });
      },
      /forecast: forecast unavailable \(history read failed: .*\); reactive rules only/,
    ],
  ])('a gap: %s -> no scale-in, the audit says the forecast is unavailable', async (_name, seed, reason) => {
    w = await startLambdaWorld();
    const deps = await w.container({ AUTOSCALER_POLICY: POLICY_TEXT, AUTOSCALER_RETRY_ATTEMPTS: '1' });
    seed(w);

    const result = await tick(w, deps);

    expect(result.kind).toBe('recheck');
    expect(result.records).toHaveLength(1);
    const record = result.records[0]!;
    expect(record.outcome).toBe('no-action');
    expect(record.from?.replicas).toBe(2);
    expect(record.to?.replicas).toBe(2);
    expect(record.reason).toMatch(reason);
    expect(scalingCalls(w)).toBe(0);
    expect(w.fake.sagemaker.snapshot(ENDPOINT)!.variants[0]).toMatchObject({ current: 2, desired: 2 });
  });
});
