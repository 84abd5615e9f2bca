import { Autoscaler, StaticPolicies, ValidationError, applyAndWait, validatePolicy, type TargetRef } from '@autoscaler/core';
import { SageMakerProvider } from '../src/provider';
import { MANAGED, REF, startWorld, type TestWorld } from './world';

/** A canary endpoint: two variants splitting traffic 3:1. */
const AB = 'ab-endpoint';
const A: TargetRef = { provider: 'aws-sagemaker', id: `endpoint/${AB}/variant/Blue` };
const B: TargetRef = { provider: 'aws-sagemaker', id: `endpoint/${AB}/variant/Green` };

let w: TestWorld;
afterEach(async () => w?.close());

async function world(): Promise<SageMakerProvider> {
  w = await startWorld({
    moreEndpoints: [
      {
        name: AB,
        variants: [
          { name: 'Blue', instances: 2, weight: 3 },
          { name: 'Green', instances: 1, weight: 1 },
        ],
        tags: MANAGED,
      },
    ],
  });
  return new SageMakerProvider(w.clients, { clock: w.clock });
}

const updates = (): number => w.fake.calls('UpdateEndpointWeightsAndCapacities').length;

describe('multi-variant endpoints: DesiredWeight as well as counts', () => {
  it('describe gives a weight only where traffic is split', async () => {
    const provider = await world();
    expect((await provider.describe(A)).capacity).toEqual({ replicas: 2, size: 'ml.m5.large', weight: 3 });
    expect((await provider.describe(B)).capacity).toEqual({ replicas: 1, size: 'ml.m5.large', weight: 1 });
    expect((await provider.describe(REF)).capacity).toEqual({ replicas: 2, size: 'ml.m5.large' });
  });

  it('shifts traffic with UpdateEndpointWeightsAndCapacities DesiredWeight, through core applyAndWait; instance counts stay', async () => {
    const provider = await world();
    const pending = applyAndWait(provider, B, { weight: 3 }, { clock: w.clock, pollMs: 1_000 });
    for (let i = 0; i < 20 && w.clock.pending === 0; i++) await new Promise((r) => setImmediate(r));
    w.clock.advance(60_000);
    const out = await pending;
    expect(out).toMatchObject({ status: 'done', from: { weight: 1 }, to: { replicas: 1, weight: 3 }, state: { capacity: { weight: 3 } } });
    const snap = w.fake.sagemaker.snapshot(AB)!;
    expect(snap.variants.map((v) => [v.name, v.desired, v.desiredWeight])).toEqual([
      ['Blue', 2, 3],
      ['Green', 1, 3],
    ]);
    expect(updates()).toBe(1);
  });

  it('a count change on a split endpoint keeps the weight', async () => {
    const provider = await world();
    const s = await provider.describe(A);
    await provider.apply(A, { ...s.capacity, replicas: 4 }, { ifMatch: s.version! });
    expect(w.fake.sagemaker.snapshot(AB)!.variants[0]).toMatchObject({ desired: 4, desiredWeight: 3 });
  });

  it.each([
    ['a weight on a single-variant endpoint', REF, { replicas: 2, weight: 2 }, /has one variant/],
    ['a negative weight', B, { replicas: 1, weight: -1 }, /from 0 to 1000000/],
    ['a NaN weight', B, { replicas: 1, weight: Number.NaN }, /from 0 to 1000000/],
    ['a weight with a resize', B, { replicas: 1, size: 'ml.m5.xlarge', weight: 2 }, /two steps/],
    ['a weight on an inference component', { provider: 'aws-sagemaker', id: 'inference-component/x' }, { replicas: 1, weight: 1 }, /no traffic weight/],
  ])('refuses %s naming capacity.weight, and makes no change', async (_what, ref, to, reason) => {
    const provider = await world();
    const before = updates();
    const e = await provider.apply(ref, to, {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues).toEqual([expect.objectContaining({ path: 'capacity.weight', message: expect.stringMatching(reason) })]);
    expect(updates()).toBe(before);
    expect(w.fake.calls('UpdateEndpoint')).toHaveLength(0);
  });

  it('a policy shifts traffic: a canary alarm takes the Green variant out (DesiredWeight 0) through the engine; a second finds it out already', async () => {
    const provider = await world();
    const policy = validatePolicy({
      name: 'canary',
      targets: [B],
      limits: { minReplicas: 1, maxReplicas: 4, cooldown: { scaleOut: 60, scaleIn: 300 } },
      rules: [{ name: 'canary-off', threshold: { alarm: 'canary-5xx', weight: 0 } }],
    });
    const autoscaler = new Autoscaler({ providers: [provider], sources: [], policies: new StaticPolicies([policy]), clock: w.clock });
    const fire = (key: string) =>
      autoscaler.handleSignals([
        { target: B, source: 'cloudwatch', metric: 'Invocation5XXErrors', alarm: 'canary-5xx', state: 'firing', at: w.clock.now(), dedupeKey: key },
      ]);
    const first = (await fire('a1')).records[0]!;
    expect(first).toMatchObject({ outcome: 'resized', from: { replicas: 1, weight: 1 }, to: { replicas: 1, weight: 0 }, rule: 'canary-off' });
    expect(w.fake.sagemaker.snapshot(AB)!.variants.map((v) => [v.name, v.desired, v.desiredWeight])).toEqual([
      ['Blue', 2, 3],
      ['Green', 1, 0],
    ]);
    expect(updates()).toBe(1);
    w.clock.advance(120_000);
    expect((await fire('a2')).records[0]).toMatchObject({ outcome: 'no-action' });
    expect(updates()).toBe(1);
  });
});
