import { readPersistedState } from '../../src/model/annotations';

/**
 * Annotations (and ConfigMap entries, which hold the same pairs as JSON) exactly as the previous
 * version wrote them (its `persistedStatePatch` output, captured before the move to core's
 * persisted-state codec). A workload annotated by it keeps its memory after an upgrade.
 */
const AT = Date.parse('2026-03-10T12:00:00Z');
const LONG_KEY = 'oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzhmqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghnzzeiya:2026-03-10T11:59:00Z';

const OLD = {
  'autoscaler.dev/policy': 'autoscaler/policies',
  'autoscaler.dev/last-scale-out': '{"at":"2026-03-10T12:00:00.000Z","from":2,"to":4}',
  'autoscaler.dev/last-scale-in': '{"at":"2026-03-10T11:00:00.000Z"}',
  'autoscaler.dev/last-resize': '{"at":"2026-03-10T10:00:00.000Z","to":1}',
  'autoscaler.dev/dedupe-keys': `["${LONG_KEY}","k8s a key with spaces","short"]`,
  'autoscaler.dev/recommendations': '[{"at":"2026-03-10T11:59:00.000Z","replicas":3},{"at":"2026-03-10T12:00:00.000Z","replicas":4}]',
  'autoscaler.dev/metric-failures': '2',
};

describe('state annotations written by the previous version (autoscaler.dev/last-scale-out, dedupe-keys, ...)', () => {
  it('reads every field, reporting nothing', () => {
    const problems: string[] = [];
    expect(readPersistedState(OLD, problems)).toEqual({
      lastScaleOut: { at: AT, from: 2, to: 4 },
      lastScaleIn: { at: AT - 3_600_000 },
      lastResize: { at: AT - 7_200_000, to: 1 },
      metricFailures: 2,
      dedupeKeys: [LONG_KEY, 'k8s a key with spaces', 'short'],
      recommendations: [
        { at: AT - 60_000, replicas: 3 },
        { at: AT, replicas: 4 },
      ],
    });
    expect(problems).toEqual([]);
  });

  it('reads a ConfigMap entry of the previous version (the same pairs as one JSON document)', () => {
    const entry = JSON.parse(
      JSON.stringify({ 'autoscaler.dev/last-scale-in': OLD['autoscaler.dev/last-scale-in'], 'autoscaler.dev/dedupe-keys': '["k2"]' }),
    ) as Record<string, string>;
    expect(readPersistedState(entry)).toEqual({ lastScaleIn: { at: AT - 3_600_000 }, dedupeKeys: ['k2'], recommendations: [] });
  });
});
