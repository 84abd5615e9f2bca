import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, validatePolicy } from '@autoscaler/core';
import { providerKinds } from '../../src/profiles/profile';
import { shippedPolicies } from '../../src/policy/baselines';
import { parseSettings } from '../../src/policy/settings';
import { deriveSettings, loadSimulationPolicy, settingsPathFor } from '../../src/policy/simulation-policy';

const base = { name: 'p', limits: { maxReplicas: 10 } };

describe('simulation policies', () => {
  it('every shipped policy loads, with its .sim.yaml, on every provider; four are baselines', () => {
    for (const kind of providerKinds) {
      const ps = shippedPolicies(kind);
      expect(ps.map((p) => p.derived)).toEqual([false, false, false, false, false]);
      expect(ps.filter((p) => p.settings.baseline).length).toBe(4);
    }
  });

  it('settings errors name the path', () => {
    expect(() => parseSettings('sources: {}')).toThrow(/sources/);
    expect(() => parseSettings('sources: [{ kind: oci-monitoring, alarms: [{ name: a, query: q, pendig: PT1M }] }]')).toThrow(
      /sources\[0\]\.alarms\[0\]\.pendig: unknown field/,
    );
    expect(() => parseSettings('sources: [{ kind: carrier-pigeon }]')).toThrow(ValidationError);
    expect(() => parseSettings('size: { vcpus: 0 }\nsources: [{ kind: hpa }]')).toThrow(/size/);
  });

  it('derives alarms from rules: OCI Monitoring on OCI, CloudWatch (with the target-tracking pair) on SageMaker, the HPA loop for hpa rules', () => {
    const policy = validatePolicy({
      ...base,
      rules: [
        { name: 'hot', threshold: { alarm: 'hot', metric: 'CpuUtilization', above: 75, change: 1 } },
        { name: 'tt', targetTracking: { metric: 'InvocationsPerInstance', target: 600 } },
      ],
    });
    expect(deriveSettings(policy, 'oci').sources).toEqual([
      { kind: 'oci-monitoring', alarms: [{ name: 'hot', query: 'CpuUtilization[1m].mean() > 75' }] },
      { kind: 'metrics', metrics: ['InvocationsPerInstance'], everySeconds: 60 },
    ]);
    expect(deriveSettings(policy, 'sagemaker').sources).toEqual([
      {
        kind: 'cloudwatch',
        targetTracking: true,
        highResolution: false,
        alarms: [expect.objectContaining({ name: 'hot', metric: 'CpuUtilization', comparisonOperator: 'GreaterThanThreshold', threshold: 75 })],
      },
    ]);
    // AWS's high-resolution predefined metric: the pair's scale-out alarm evaluates 10 s periods.
    const concurrency = validatePolicy({ ...base, rules: [{ name: 'c', targetTracking: { metric: 'ConcurrentRequestsPerCopy', target: 4 } }] });
    expect(deriveSettings(concurrency, 'sagemaker-ic').sources).toEqual([{ kind: 'cloudwatch', targetTracking: true, highResolution: true, alarms: [] }]);
    const hpa = validatePolicy({ ...base, rules: [{ name: 'h', targetTracking: { metric: 'cpu', target: 60, algorithm: 'hpa' } }] });
    expect(deriveSettings(hpa, 'kubernetes').sources).toEqual([{ kind: 'hpa', syncPeriodSeconds: 15 }]);
  });

  it('a predictive policy needs no source: its rules and the reactive ones on the pulled metric run on the periodic evaluation', () => {
    const policy = validatePolicy({
      ...base,
      rules: [
        { name: 'f', predictive: { metric: 'requests', target: 1500 } },
        { name: 'now', targetTracking: { metric: 'requests', statistic: 'total', target: 1500, disableScaleIn: true } },
        { name: 'cpu', targetTracking: { metric: 'cpu', target: 70 } },
      ],
    });
    expect(deriveSettings(policy, 'oci').sources).toEqual([{ kind: 'metrics', metrics: ['cpu'], everySeconds: 60 }]);
    expect(deriveSettings(validatePolicy({ ...base, rules: [policy.rules[0]!, policy.rules[1]!] }), 'sagemaker').sources).toEqual([]);
  });

  it('a sidecar without sources is refused for a policy with nothing to run periodically', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-policy-'));
    const file = join(dir, 'idle.yaml');
    writeFileSync(file, 'name: idle\nlimits: { maxReplicas: 5 }\nrules: [{ name: hot, threshold: { alarm: hot, change: 1 } }]\n');
    writeFileSync(settingsPathFor(file), 'sources: []\n');
    expect(() => loadSimulationPolicy(file, 'oci')).toThrow(/needs at least one source/);
  });

  it('a rule that names only an alarm cannot be simulated without a .sim.yaml: the error names the rule', () => {
    const policy = validatePolicy({ ...base, rules: [{ name: 'x', threshold: { alarm: 'mystery', change: 1 } }] });
    expect(() => deriveSettings(policy, 'oci')).toThrow(/rules\[0\]\.threshold\.alarm.*mystery/);
  });

  it('reads the sidecar next to a policy file; a missing policy file names the flag', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-policy-'));
    const file = join(dir, 'mine.yaml');
    writeFileSync(file, 'name: mine\nlimits: { maxReplicas: 5 }\nrules: [{ name: hot, threshold: { alarm: hot, change: 1 } }]\n');
    writeFileSync(settingsPathFor(file), 'label: Mine\nsources: [{ kind: oci-monitoring, alarms: [{ name: hot, query: "CpuUtilization[1m].max() > 90" }] }]\n');
    const sp = loadSimulationPolicy(file, 'oci');
    expect(sp).toMatchObject({ name: 'Mine', derived: false });
    expect(() => loadSimulationPolicy(join(dir, 'nope.yaml'), 'oci')).toThrow(/--policy.*cannot read/);
  });
});
