import { functionOperations, functionPolicyStatements } from '@autoscaler/provider-oci-data-science';
import { resetContainer, type FunctionResult } from '../src';
import { alarmSourceFor, functionWorld, seedPolicyDoc, settle } from './support';

/**
 * Least privilege, checked: the operations the function calls in every flow it has (alarm
 * scale-out with ONS notification and a new low alarm, a heartbeat evaluation whose predictive rule
 * scales in (deleting the low alarm) under an edited policy (updating the high alarm), the
 * policy read from Object Storage) are exactly the operations the printed IAM grants.
 */
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

it('the function calls exactly the operations setup oci grants, and every grant is used', async () => {
  const w = await functionWorld();
  try {
    const dep = w.deploymentIds[0]!;
    const ops = w.fake.notifications.seedTopic('ops');
    const policy = (above: number): string =>
      JSON.stringify({
        ...seedPolicyDoc([dep], undefined, { notifications: [{ type: 'ons', topicId: ops }] }),
        rules: [
          ...(seedPolicyDoc([dep]).rules as Array<Record<string, unknown>>).map((r) =>
            r['name'] === 'high-cpu' ? { name: 'high-cpu', threshold: { alarm: 'model_deployment_high_cpu', metric: 'CpuUtilization', above, change: 1 } } : r,
          ),
          { name: 'forecast', predictive: { metric: 'requests', target: 1000 } },
        ],
      });
    // Setup (the CLI's work, not the function's): alarms, heartbeat, subscription, the policy object.
    w.config['AUTOSCALER_POLICY'] = policy(80);
    await w.setupAlarms(dep);
    const source = alarmSourceFor(w);
    const heartbeat = (await source.ensureHeartbeat({ provider: 'oci-data-science', id: dep })).id;
    await w.subscribe();
    const path = w.fake.objectStorage.put('ns', 'policies', 'policy.json', policy(80));
    delete w.config['AUTOSCALER_POLICY'];
    w.config['AUTOSCALER_POLICY_URL'] = `${w.fake.url}${path}`;
    w.fake.monitoring.serveDeploymentMetric(dep, 'PredictRequestCount', () => 150);
    // What Monitoring reports for the alarms' queries (the function reads values there, not in messages).
    w.fake.monitoring.serveDeploymentMetric(dep, 'CpuUtilization', () => 95);
    const mark = w.fake.requests.length;
    const last = (): FunctionResult => w.fake.notifications.deliveries.at(-1)!.result as FunctionResult;

    await w.fake.monitoring.fire(w.alarmsOf(dep)['model_deployment_high_cpu']!);
    expect(last().records[0]).toMatchObject({ outcome: 'scaled', to: { replicas: 2 } });
    settle(w);
    w.fake.objectStorage.put('ns', 'policies', 'policy.json', policy(85));
    resetContainer();
    await w.fake.monitoring.fire(heartbeat);
    // The forecast (150 requests a minute, 1000 per instance) scales back in to 1; the edited
    // threshold updates the high alarm, and at the floor the low alarm goes.
    expect(last()).toMatchObject({ kind: 'periodic', records: [expect.objectContaining({ outcome: 'scaled', to: expect.objectContaining({ replicas: 1 }) })] });
    expect(last().alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'updated', name: 'model_deployment_high_cpu' }),
        expect.objectContaining({ action: 'deleted', name: 'model_deployment_low_cpu' }),
      ]),
    );

    const called = new Set(w.fake.requests.slice(mark).map((r) => r.op));
    expect([...called].sort()).toEqual([...new Set(functionOperations(true))].sort());
    // And the printed statements name each of those operations once.
    const printed = functionPolicyStatements('dg', w.fake.ocids.compartment, { bucket: 'policies' }).join('\n');
    for (const op of called) expect(printed.match(new RegExp(`request\\.operation = '${op}'`, 'g'))).toHaveLength(1);
  } finally {
    await w.close();
  }
});
