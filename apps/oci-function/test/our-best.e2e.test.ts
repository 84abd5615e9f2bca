import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FunctionResult } from '../src';
import { alarmSourceFor, functionWorld, lastDelivery, type FunctionWorld } from './support';

/**
 * The simulator's "our best" policy (packages/simulator/policies/our-best.yaml) runs unchanged
 * in the OCI Function: its text, read from disk as is, is the function's AUTOSCALER_POLICY, and a
 * heartbeat notification (docs/oci.md section 10) runs one periodic evaluation through the real
 * handler, against the wire fakes of @autoscaler/sandbox-oci and an injected clock.
 *
 * Nothing is added to the policy. What the deployment needs outside it: the policy lists no
 * `targets`, so the fake deployment carries the managed tag (autoscaler-managed=true), which is
 * how the function finds the deployments a heartbeat evaluates.
 */
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

const MIN = 60_000;
const OUR_BEST = readFileSync(join(__dirname, '..', '..', '..', 'packages', 'simulator', 'policies', 'our-best.yaml'), 'utf8');

let w: FunctionWorld & { deploymentIds: string[] };
afterEach(() => w.close());

/** One deployment of `instances`, tagged managed, evaluated by our-best.yaml as is. */
async function world(instances: number): Promise<{ w: FunctionWorld & { deploymentIds: string[] }; dep: string }> {
  const made = await functionWorld({ deployments: [{ instanceCount: instances, managed: true }] });
  made.config['AUTOSCALER_POLICY'] = OUR_BEST;
  return { w: made, dep: made.deploymentIds[0]! };
}

/** Fire the deployment's heartbeat alarm (as `setup oci` creates it) and return the function's answer. */
async function heartbeat(world: FunctionWorld, dep: string): Promise<FunctionResult> {
  const hb = (await alarmSourceFor(world).ensureHeartbeat({ provider: 'oci-data-science', id: dep })).id;
  await world.subscribe();
  await world.fake.monitoring.fire(hb);
  return lastDelivery(world);
}

/** UpdateModelDeployment calls that changed the instance configuration (not just tags). */
function capacityUpdates(world: FunctionWorld, dep: string): Array<Record<string, unknown>> {
  return world.fake.dataScience.updateLog.filter((u) => u.id === dep && u.kind === 'config').map((u) => u.body);
}

describe('our-best.yaml, unchanged, in the OCI Function', () => {
  it('scales out ahead of a load that has been rising over the last hour (the forecast)', async () => {
    ({ w } = await world(2));
    const dep = w.deploymentIds[0]!;
    expect(w.config['AUTOSCALER_POLICY']).toBe(OUR_BEST);
    const now = w.clock.now();
    const riseFrom = now - 60 * MIN;
    // Three days flat at 1500 requests a minute (one instance of the policy's target), then a
    // steady rise over the last hour to 6000 a minute.
    w.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', (at) => (at < riseFrom ? 1500 : 1500 + ((at - riseFrom) / (60 * MIN)) * 4500));

    const r = await heartbeat(w, dep);
    expect(r).toMatchObject({ ok: true, kind: 'periodic', errors: [] });
    expect(r.records).toEqual([
      expect.objectContaining({ outcome: 'scaled', target: { provider: 'oci-data-science', id: dep }, from: expect.objectContaining({ replicas: 2 }) }),
    ]);
    const record = r.records[0]!;
    // More than the fleet has, and more than the newest minute alone asks for (6000 / 1500 = 4).
    expect(record.to!.replicas).toBeGreaterThan(4);
    // The deciding rule is the predictive one, and the audit reason names its forecast.
    expect(record.rule).toBe('forecast');
    expect(record.reason).toMatch(/^forecast requests [\d.]+\/period over \d+s .* vs target 1500\/instance/);
    expect(record.reason).not.toMatch(/forecast unavailable/);
    // The wire: one UpdateModelDeployment, with the new instance count.
    const sent = capacityUpdates(w, dep);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain(`"instanceCount":${record.to!.replicas}`);
    expect(w.fake.dataScience.configUpdates.get(dep)).toBe(1);
    expect(w.fake.dataScience.capacity(dep).instanceCount).toBe(record.to!.replicas);
    // The history came from Monitoring, as PredictRequestCount of this deployment.
    const asked = w.fake.monitoring.summarizeCalls.filter((c) => c.query.startsWith('PredictRequestCount'));
    expect(asked.map((c) => c.query)).toEqual([`PredictRequestCount[1m]{resourceId = "${dep}"}.grouping().sum()`]);
  });

  it('with a big gap in the history (the last hour missing) does not scale in: the forecast is unavailable', async () => {
    ({ w } = await world(4));
    const dep = w.deploymentIds[0]!;
    const gapFrom = w.clock.now() - 60 * MIN;
    // Three days of 1500 a minute (one instance's worth: a forecast would scale in from 4),
    // then nothing published for the last hour.
    w.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', (at) => (at < gapFrom ? 1500 : undefined));

    const r = await heartbeat(w, dep);
    expect(r).toMatchObject({ ok: true, kind: 'periodic', errors: [] });
    expect(r.records).toHaveLength(1);
    const record = r.records[0]!;
    expect(record.target).toEqual({ provider: 'oci-data-science', id: dep });
    expect(record.outcome).not.toBe('scaled');
    expect(record.outcome).toBe('no-action');
    expect(record.reason).toMatch(/forecast: forecast unavailable \(.*\); reactive rules only/);
    // No UpdateModelDeployment of the instance configuration (the function may still write its
    // recommendation tag, a metadata-only update).
    expect(capacityUpdates(w, dep)).toEqual([]);
    expect(w.fake.dataScience.configUpdates.get(dep) ?? 0).toBe(0);
    expect(w.fake.dataScience.capacity(dep).instanceCount).toBe(4);
  });
});
