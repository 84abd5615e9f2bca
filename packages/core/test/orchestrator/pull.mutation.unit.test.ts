import { Autoscaler, forecastLookbackSeconds, ManualClock, MemoryMetricSource, MemoryProvider, StaticPolicies, validatePolicy } from '../../src/index';
import type { MemoryTargetSeed, TargetRef } from '../../src/index';

// The pull side of Autoscaler (its `pull`): the default horizon, how far back the history is read,
// and when the newest datapoint counts as "load now" for the reactive rules. Each case here was
// written against a surviving Stryker mutant of orchestrator/autoscaler.ts.
const NOW = Date.parse('2026-03-10T12:00:00Z');
const MIN = 60_000;
const A: TargetRef = { provider: 'memory', id: 'model-a' };

class SlowProvider extends MemoryProvider {
  constructor(
    seeds: readonly MemoryTargetSeed[],
    clock: ManualClock,
    readonly provisioningSeconds: number,
  ) {
    super(seeds, { clock });
  }
}

const flat = (from: number, to: number, value: number): Array<{ at: number; value: number }> =>
  Array.from({ length: Math.round((to - from) / MIN) + 1 }, (_, i) => ({ at: from + i * MIN, value }));

function world(options: { provisioningSeconds?: number; publishDelaySeconds?: number; rules?: unknown[]; minReplicas?: number } = {}) {
  const clock = new ManualClock(NOW);
  const seeds = [{ id: 'model-a', capacity: { replicas: 2 } }];
  const provider =
    options.provisioningSeconds === undefined ? new MemoryProvider(seeds, { clock }) : new SlowProvider(seeds, clock, options.provisioningSeconds);
  const source = new MemoryMetricSource({ publishDelaySeconds: options.publishDelaySeconds ?? 0 });
  const policy = validatePolicy({
    name: 'p',
    targets: [A],
    limits: { minReplicas: options.minReplicas ?? 1, maxReplicas: 50, cooldown: { scaleOut: 0, scaleIn: 300 } },
    rules: options.rules ?? [{ name: 'forecast', predictive: { metric: 'requests', target: 100, seasonDays: 0 } }],
  });
  const autoscaler = new Autoscaler({ providers: [provider], metricSources: [source], policies: new StaticPolicies([policy]), clock });
  return { provider, source, autoscaler, policy };
}

describe('the horizon a predictive rule plans for', () => {
  it("defaults to the provider's provisioning time + the source's publishing delay + one period", async () => {
    const { source, autoscaler } = world({ provisioningSeconds: 600, publishDelaySeconds: 120 });
    source.set('model-a', 'requests', flat(NOW - 300 * MIN, NOW - 3 * MIN, 500));
    const record = await autoscaler.evaluate(A);
    expect(record.reason).toMatch(/over 780s/);
  });

  it('takes 300 s when the provider states no provisioning time', async () => {
    const { source, autoscaler } = world({ publishDelaySeconds: 60 });
    source.set('model-a', 'requests', flat(NOW - 300 * MIN, NOW - 2 * MIN, 500));
    const record = await autoscaler.evaluate(A);
    expect(record.reason).toMatch(/over 420s/);
  });

  it('reads exactly the lookback the forecast needs plus the publishing delay, up to the periods published by now', async () => {
    const { source, autoscaler, policy } = world({ provisioningSeconds: 600, publishDelaySeconds: 120 });
    source.set('model-a', 'requests', flat(NOW - 300 * MIN, NOW - 3 * MIN, 500));
    await autoscaler.evaluate(A);
    const rule = policy.rules[0]!;
    if (rule.predictive === undefined) throw new Error('the policy has a predictive rule');
    expect(source.queries).toHaveLength(1);
    expect(source.queries[0]!.to).toBe(NOW - 120_000);
    expect(source.queries[0]!.from).toBe(NOW - (forecastLookbackSeconds(rule.predictive, 780) + 120) * 1000);
  });
});

describe('the newest datapoint as load now', () => {
  // The forecast alone asks for one instance (its target is huge); a reactive rule on the same
  // metric scales out on the newest datapoint only if it is fresh: within 2 periods + the delay.
  const rules = [
    { name: 'forecast', predictive: { metric: 'requests', target: 1_000_000, seasonDays: 0 } },
    { name: 'load-now', targetTracking: { metric: 'requests', statistic: 'total', target: 100, disableScaleIn: true } },
  ];

  it('a point whose period ended exactly 2 periods ago is fresh: the reactive rule scales on it', async () => {
    const { source, autoscaler, provider } = world({ rules, minReplicas: 2 });
    // Newest point at NOW - 3 min: its period ended at NOW - 2 min.
    source.set('model-a', 'requests', [...flat(NOW - 300 * MIN, NOW - 4 * MIN, 50), { at: NOW - 3 * MIN, value: 1000 }]);
    const record = await autoscaler.evaluate(A);
    expect(record).toMatchObject({ outcome: 'scaled', rule: 'load-now', to: { replicas: 10 } });
    expect(provider.capacityOf('model-a').replicas).toBe(10);
  });

  it('one period older is stale: no value reaches the reactive rules', async () => {
    const { source, autoscaler, provider } = world({ rules, minReplicas: 2 });
    source.set('model-a', 'requests', [...flat(NOW - 300 * MIN, NOW - 5 * MIN, 50), { at: NOW - 4 * MIN, value: 1000 }]);
    const record = await autoscaler.evaluate(A);
    expect(record.outcome).toBe('no-action');
    expect(provider.capacityOf('model-a').replicas).toBe(2);
  });

  it("the publishing delay widens what counts as fresh (a cloud's metric arrives late)", async () => {
    const { source, autoscaler } = world({ rules, minReplicas: 2, publishDelaySeconds: 120 });
    source.set('model-a', 'requests', [...flat(NOW - 300 * MIN, NOW - 6 * MIN, 50), { at: NOW - 5 * MIN, value: 1000 }]);
    const record = await autoscaler.evaluate(A);
    expect(record).toMatchObject({ outcome: 'scaled', rule: 'load-now', to: { replicas: 10 } });
  });
});
