import { MemoryMetricSource, TransientError, ValidationError, type CallOptions, type HistoryQuery, type MetricPoint, type TargetRef } from '@autoscaler/core';
import { metricSourceConformanceCases, runMetricSourceConformance, type MetricSourceConformanceFixture } from '../src';

// The reference source passes the kit; each broken source fails the case named for its bug,
// and passes the others it does not break (so no case is vacuous).

const NOW = Date.parse('2026-03-10T12:00:00Z');
const TARGET: TargetRef = { provider: 'memory', id: 'model-a' };

function fixtureFor(source: MemoryMetricSource): MetricSourceConformanceFixture {
  return {
    source,
    target: TARGET,
    seed: (points) => source.set(TARGET.id, 'requests', points),
    now: NOW,
    invalidIds: ['', 'UPPER CASE', '../etc'],
    throttleNext: () => source.injectFault(new TransientError('throttled')),
    close: async () => undefined,
  };
}

runMetricSourceConformance('memory (reference)', () => fixtureFor(new MemoryMetricSource()));

class NewestFirst extends MemoryMetricSource {
  override async history(ref: TargetRef, q: HistoryQuery, o?: CallOptions): Promise<MetricPoint[]> {
    return (await super.history(ref, q, o)).reverse();
  }
}
class IgnoresTheWindow extends MemoryMetricSource {
  override async history(ref: TargetRef, q: HistoryQuery, o?: CallOptions): Promise<MetricPoint[]> {
    return super.history(ref, { ...q, from: 0, to: Number.MAX_SAFE_INTEGER }, o);
  }
}
class SilentOnUnknownMetric extends MemoryMetricSource {
  override async history(ref: TargetRef, q: HistoryQuery, o?: CallOptions): Promise<MetricPoint[]> {
    try {
      return await super.history(ref, q, o);
    } catch (e) {
      if (e instanceof ValidationError && q.metric !== 'requests') return [];
      throw e;
    }
  }
}
class AcceptsAnyId extends MemoryMetricSource {
  override async history(_ref: TargetRef, q: HistoryQuery, o?: CallOptions): Promise<MetricPoint[]> {
    return super.history(TARGET, q, o);
  }
}
class ThrottleAsPlainError extends MemoryMetricSource {
  override async history(ref: TargetRef, q: HistoryQuery, o?: CallOptions): Promise<MetricPoint[]> {
    try {
      return await super.history(ref, q, o);
    } catch (e) {
      if (e instanceof TransientError) throw new Error('Rate exceeded');
      throw e;
    }
  }
}

const caseNamed = (prefix: string) => {
  const c = metricSourceConformanceCases.find((x) => x.name.startsWith(prefix));
  if (!c) throw new Error(`no case starts with ${prefix}`);
  return c;
};

describe('the metric-source kit catches broken sources', () => {
  it.each([
    ['newest first', () => new NewestFirst(), 'serves canonical', /not after points/],
    ['ignores the window', () => new IgnoresTheWindow(), 'a window inside', /outside \[from, to\)|expected the 10 points/],
    ['silent on an unknown metric', () => new SilentOnUnknownMetric(), 'an unknown metric', /resolved; it must reject/],
    ['accepts any id', () => new AcceptsAnyId(), 'a malformed target id', /resolved; it must reject/],
    ['a throttle as a plain Error', () => new ThrottleAsPlainError(), 'a throttle', /expected TransientError/],
  ])('%s', async (_what, make, prefix, why) => {
    const c = caseNamed(prefix);
    await expect(c.run(fixtureFor(make()))).rejects.toThrow(why);
    // The reference passes that very case.
    await expect(c.run(fixtureFor(new MemoryMetricSource()))).resolves.toBeUndefined();
  });
});
