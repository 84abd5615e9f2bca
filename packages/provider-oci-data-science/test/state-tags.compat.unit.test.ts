import { hashDedupeKey, storedDedupeKey } from '@autoscaler/core';
import { STATE_CODEC, decodeState, mergeStateTags } from '../src/state-tags';

/**
 * Freeform tags exactly as the previous version wrote them (its `encodeState` output, captured
 * before the move to core's persisted-state codec). A deployment tagged by it must keep its
 * cooldown marks, recommendations and dedupe keys after an upgrade.
 */
const AT = Date.parse('2026-03-10T12:00:00Z');
const ALARM = 'oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzhmqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghnzzeiya';

const ONE_CHUNK = {
  'autoscaler-managed': 'true',
  team: 'ml',
  'autoscaler-state': '{"o":[1773144000000,2,4],"i":[1773140400000],"r":[1773136800000,-1,1]}',
  'autoscaler-recs': '[[1773143940000,3],[1773144000000,4]]',
  'autoscaler-dedupe-0': `["${ALARM}:2026-03-10T11:59:00Z","k8s a key with spaces","short"]`,
};

const THREE_CHUNKS = {
  'autoscaler-state': '{"i":[1773144000000,3,2]}',
  'autoscaler-dedupe-0':
    '["oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzhmqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghnzzeiya:2026-03-10T11:50:00Z","oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzhmqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghnzzeiya:2026-03-10T11:51:00Z","oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzh',
  'autoscaler-dedupe-1':
    'mqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghnzzeiya:2026-03-10T11:52:00Z","oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzhmqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghnzzeiya:2026-03-10T11:53:00Z","oci:ocid1.alarm.oc1.iad.aaaaaaaa5mbkzhmqgl4z7rbwqdkcoysmbnnb7ww2rsovzwy3kr2ghn',
  'autoscaler-dedupe-2': 'zzeiya:2026-03-10T11:54:00Z"]',
};

describe('state tags written by the previous version (JSON in autoscaler-state/-recs/-dedupe-N)', () => {
  it('reads marks, recommendations and dedupe keys from one chunk', () => {
    expect(decodeState(ONE_CHUNK)).toEqual({
      lastScaleOut: { at: AT, from: 2, to: 4 },
      lastScaleIn: { at: AT - 3_600_000 },
      lastResize: { at: AT - 7_200_000, to: 1 },
      dedupeKeys: [`${ALARM}:2026-03-10T11:59:00Z`, 'k8s a key with spaces', 'short'],
      recommendations: [
        { at: AT - 60_000, replicas: 3 },
        { at: AT, replicas: 4 },
      ],
    });
  });

  it('joins dedupe keys split over several 256-character chunks', () => {
    expect(decodeState(THREE_CHUNKS)).toEqual({
      lastScaleIn: { at: AT, from: 3, to: 2 },
      dedupeKeys: [0, 1, 2, 3, 4].map((k) => `${ALARM}:2026-03-10T11:5${k}:00Z`),
      recommendations: [],
    });
  });
});

describe('the first write after an upgrade', () => {
  it.each([
    ['one chunk', ONE_CHUNK],
    ['three chunks', THREE_CHUNKS],
  ])('%s: replaces the old tags with core codec tags that read back the same memory, keeping other tags', (_, old) => {
    const before = decodeState(old);
    const tags = mergeStateTags(old, before);
    expect(Object.keys(tags).filter((k) => ['autoscaler-state', 'autoscaler-dedupe-0'].includes(k))).toEqual([]);
    expect(Object.entries(old).filter(([k]) => !k.startsWith('autoscaler-') || k === 'autoscaler-managed')).toEqual(
      Object.entries(tags).filter(([k]) => !k.startsWith('autoscaler-') || k === 'autoscaler-managed'),
    );
    const after = decodeState(tags);
    expect({ ...after, dedupeKeys: [] }).toEqual({ ...before, dedupeKeys: [] });
    // Keys too long for a tag value are kept as core's hash, which the orchestrator matches.
    expect(after.dedupeKeys).toEqual(before.dedupeKeys.map((k) => storedDedupeKey(k, STATE_CODEC)));
    expect(after.dedupeKeys.map((k, i) => k === before.dedupeKeys[i] || k === hashDedupeKey(before.dedupeKeys[i]!))).not.toContain(false);
  });
});
