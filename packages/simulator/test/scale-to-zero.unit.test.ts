import { ManualClock, type TargetRef } from '@autoscaler/core';
import { makeScenario } from '../src/engine/scenario';
import { simulate } from '../src/engine/simulate';
import { Rng } from '../src/model/rng';
import { defaultPolicies } from '../src/policy/baselines';
import { allProviderKinds, providerProfile } from '../src/profiles/profile';
import { SimulatedDeployment } from '../src/provider/simulated-deployment';
import { formatTable, toReport } from '../src/report/table';
import { scaleToPeak } from '../src/trace/load-trace';
import { syntheticTrace } from '../src/trace/synthetic';

describe('SageMaker inference components: scale to zero', () => {
  it('the profile scales to zero, starts a copy in the copy start time and from zero in the longer scale-from-zero time, and flags both as estimates', async () => {
    const p = providerProfile('sagemaker-ic');
    expect(p.minReplicas).toBe(0);
    expect(p.scaleFromZeroSeconds).toBeGreaterThan(p.scaleOutSeconds);
    expect(p.estimates.some((e) => /copy start/.test(e))).toBe(true);
    expect(p.estimates.some((e) => /scale from zero/.test(e) && /several minutes/.test(e))).toBe(true);
    const clock = new ManualClock(0);
    const ref: TargetRef = { provider: 'simulator', id: 'sim/ic' };
    const d = new SimulatedDeployment(ref, { ...p, jitter: 0 }, clock, new Rng(1), { replicas: 0 });
    expect(d.serving(0).replicas).toBe(0);
    await d.apply(ref, { replicas: 1 }, {});
    expect(d.serving(p.scaleFromZeroSeconds! * 1000 - 1).replicas).toBe(0);
    expect(d.serving(p.scaleFromZeroSeconds! * 1000).replicas).toBe(1);
    clock.set(p.scaleFromZeroSeconds! * 1000);
    await d.apply(ref, { replicas: 2 }, {});
    expect(d.serving(clock.now() + p.scaleOutSeconds * 1000).replicas).toBe(2);
  });

  it('compares scale to zero with the same policy at a floor of one: cheaper idle hours, paid in requests that failed with no copy', async () => {
    const week = syntheticTrace('business-hours', 1);
    const twoDays = { ...week, requests: week.requests.slice(0, 2 * 1440) };
    const s = makeScenario({ load: scaleToPeak(twoDays, 100), provider: 'sagemaker-ic' });
    const policies = defaultPolicies('sagemaker-ic');
    expect(policies.map((x) => x.policy.limits.minReplicas)).toEqual([1, 0, 0]);
    expect(policies.map((x) => x.name)).toEqual(['our best, scale to zero (floor 1)', 'our best, scale to zero', 'our best, scale to zero (reactive wake)']);
    const r = await simulate(s, policies, { stepTest: false });
    const [one, zero] = r.runs;
    // The floor of one never fails a request for want of a copy; scale to zero bills nothing for hours.
    expect(one!.noCapacityRequests).toBe(0);
    expect(one!.zeroMinutes).toBe(0);
    expect(zero!.zeroMinutes).toBeGreaterThan(600);
    expect(zero!.cost).toBeLessThan(one!.cost);
    // Every failed request is in a minute with no copy serving, and that minute violates the objective.
    let failedMinutes = 0;
    for (let m = 0; m < s.load.rps.length; m++) {
      if (zero!.series.serving[m] === 0 && s.load.rps[m]! > 0) {
        failedMinutes++;
        expect(zero!.series.violated[m]).toBe(1);
      }
    }
    expect(zero!.noCapacityMinutes).toBe(failedMinutes);
    expect(zero!.noCapacityRequests).toBeGreaterThan(0);
    // The wake-up rule brings a copy back: no run of failures lasts longer than the scale-from-zero time plus the alarm's minute or two.
    let run = 0;
    let longest = 0;
    for (let m = 0; m < s.load.rps.length; m++) {
      run = zero!.series.serving[m] === 0 && s.load.rps[m]! > 0 ? run + 1 : zero!.series.serving[m]! > 0 ? 0 : run;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThanOrEqual(Math.ceil((s.profile.scaleFromZeroSeconds! * 1.2) / 60) + 3);
    const [cmp] = r.scaleToZero;
    expect(cmp).toMatchObject({ policy: zero!.name, floorOne: one!.name, failedRequests: zero!.noCapacityRequests, failedMinutes });
    expect(cmp!.savedUsd).toBeCloseTo(one!.cost - zero!.cost, 9);
    expect(cmp!.zeroHours).toBeCloseTo(zero!.zeroMinutes / 60, 9);
    expect(formatTable(r)).toMatch(/scale to zero: .* saves \d+\.\d\d USD .* failed with no copy serving in \d+ minutes/);
    expect(toReport(r).scaleToZero).toHaveLength(1);
    // No policy that met the objective in a minute paid less than the oracle there (which may be zero).
    for (const p of r.runs)
      for (let m = 0; m < s.load.rps.length; m++)
        if (!p.series.violated[m]) expect(p.series.cost[m]!).toBeGreaterThanOrEqual(r.oracle.costPerMinute[m]! - 1e-9);
  });

  it('the forecast wakes a zero floor before the weekday morning (days 2-4), the reactive wake only after requests failed; the report says what it buys', async () => {
    const week = syntheticTrace('business-hours', 3);
    const fourDays = { ...week, requests: week.requests.slice(0, 4 * 1440) };
    const s = makeScenario({ load: scaleToPeak(fourDays, 100), provider: 'sagemaker-ic', seed: 3 });
    const [, forecast, reactive] = defaultPolicies('sagemaker-ic');
    const r = await simulate(s, [forecast!, reactive!], { stepTest: false });
    const [f, w] = r.runs;
    // 08:00 is when the office opens: a copy serves then on the days with history (Tuesday on), none on Monday.
    const at8 = (run: typeof f, day: number): number => run!.series.serving[day * 1440 + 480]!;
    expect([1, 2, 3].map((d) => at8(f, d) > 0)).toEqual([true, true, true]);
    expect([0, 1, 2, 3].map((d) => at8(w, d))).toEqual([0, 0, 0, 0]);
    expect(at8(f, 0)).toBe(0);
    expect(f!.noCapacityRequests).toBeLessThan(w!.noCapacityRequests);
    const [cmp] = r.forecastWake;
    expect(cmp).toMatchObject({ policy: forecast!.name, reactive: reactive!.name, fewerFailedMinutes: w!.noCapacityMinutes - f!.noCapacityMinutes });
    expect(cmp!.fewerFailedRequests).toBeCloseTo(w!.noCapacityRequests - f!.noCapacityRequests, 6);
    expect(cmp!.extraUsd).toBeCloseTo(f!.cost - w!.cost, 9);
    expect(formatTable(r)).toMatch(
      /forecast wake: our best, scale to zero has \d+ fewer cold-start failed requests .* than our best, scale to zero \(reactive wake\), for \d+\.\d\d USD (more|less)/,
    );
    expect(toReport(r).forecastWake).toHaveLength(1);
  });

  it('OCI GPU shapes carry the price list figure per GPU-hour', () => {
    expect(allProviderKinds).toContain('oci-gpu');
    const p = providerProfile('oci-gpu');
    expect(p.sizes.map((x) => [x.name, x.hourly])).toEqual([
      ['VM.GPU.A10.1', 2],
      ['VM.GPU.A10.2', 4],
    ]);
    expect(p.minReplicas).toBe(1);
    expect(p.estimates.some((e) => /B95909/.test(e))).toBe(true);
  });
});
