import fc from 'fast-check';
import { ValidationError, validatePolicy } from '@autoscaler/core';
import { checkModelDeploymentPolicy, exportNativePolicy, importNativePolicy, OciDataScienceProvider, parseRung } from '../src';
import { defaultLadder, gpuCount } from '../src/shapes';

const DEP = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaamodeldeploy00000000000000000000000000000000000000';
const ref = { provider: 'oci-data-science', id: DEP };
/** One of our policies, on the test deployment. */
const ourPolicy = (limits: Record<string, unknown>, rules: unknown[]) => validatePolicy({ name: 'p', targets: [ref], limits, rules });

function scalingPolicy(rules: unknown[], extra: Record<string, unknown> = {}) {
  return {
    policyType: 'AUTOSCALING',
    coolDownInSeconds: 900,
    isEnabled: true,
    autoScalingPolicies: [{ autoScalingPolicyType: 'THRESHOLD', minimumInstanceCount: 2, maximumInstanceCount: 8, initialInstanceCount: 2, rules }],
    ...extra,
  };
}
const query = (side: 'QUERY', adj: number, q: string) => ({ scalingConfigurationType: side, instanceCountAdjustment: adj, query: q });

describe('importNativePolicy (OCI AutoScalingPolicy -> our policy)', () => {
  it('a predefined CPU rule and a custom MQL rule become threshold pairs with the instance range and cooldown', () => {
    const doc = scalingPolicy([
      {
        metricExpressionRuleType: 'PREDEFINED_EXPRESSION',
        metricType: 'CPU_UTILIZATION',
        scaleOutConfiguration: { scalingConfigurationType: 'THRESHOLD', instanceCountAdjustment: 2, threshold: 75 },
        scaleInConfiguration: { scalingConfigurationType: 'THRESHOLD', instanceCountAdjustment: 1, threshold: 20 },
      },
      {
        metricExpressionRuleType: 'CUSTOM_EXPRESSION',
        scaleOutConfiguration: query('QUERY', 1, 'PredictLatency[1m]{resourceId = "MODEL_DEPLOYMENT_OCID"}.grouping().mean() > 500'),
        scaleInConfiguration: query('QUERY', 1, 'PredictLatency[1m]{resourceId = "MODEL_DEPLOYMENT_OCID"}.grouping().mean() < 100'),
      },
    ]);
    const { policy, unsupported } = importNativePolicy(doc, { targetId: DEP });
    const p = validatePolicy(policy);
    expect(p.targets).toEqual([ref]);
    expect(p.limits).toMatchObject({ minReplicas: 2, maxReplicas: 8, cooldown: { scaleOut: 900, scaleIn: 900 } });
    expect(p.rules.map((r) => [r.name, r.threshold])).toEqual([
      ['cpu-high', { metric: 'CpuUtilization', above: 75, change: 2 }],
      ['cpu-low', { metric: 'CpuUtilization', below: 20, change: -1 }],
      ['predictlatency-high', { metric: 'PredictLatency', above: 500, change: 1 }],
      ['predictlatency-low', { metric: 'PredictLatency', below: 100, change: -1 }],
    ]);
    expect(unsupported).toEqual([expect.stringContaining('initialInstanceCount 2')]);
  });

  it('round-trips our own export (custom metric and CPU) with the deployment id from the export', () => {
    const ours = ourPolicy({ minReplicas: 1, maxReplicas: 6, cooldown: { scaleOut: 600, scaleIn: 600 } }, [
      { name: 'hi', threshold: { metric: 'CpuUtilization', above: 80, change: 1 } },
      { name: 'lo', threshold: { metric: 'CpuUtilization', below: 10, change: -1 } },
      { name: 'q-hi', threshold: { metric: 'PredictRequestCount', above: 900, change: 2 } },
      { name: 'q-lo', threshold: { metric: 'PredictRequestCount', below: 50, change: -1 } },
    ]);
    const back = validatePolicy(importNativePolicy({ resources: exportNativePolicy(ours, ref).resources }).policy);
    expect(back.targets).toEqual([ref]);
    expect(back.limits).toMatchObject({ minReplicas: 1, maxReplicas: 6, cooldown: { scaleOut: 600, scaleIn: 600 } });
    expect(back.rules.map((r) => r.threshold)).toEqual(ours.rules.map((r) => r.threshold));
  });

  it('a bandwidth step and a traffic weight are reported as not expressible, not exported as instance-count rules', () => {
    const ours = ourPolicy({ minReplicas: 1, maxReplicas: 6, bandwidthMbps: { min: 10, max: 20 } }, [
      { name: 'bw', threshold: { metric: 'PredictBandwidthUtilization', above: 80, bandwidth: 5 } },
      { name: 'w', threshold: { metric: 'CpuUtilization', above: 80, weight: 0 } },
    ]);
    const out = exportNativePolicy(ours, ref);
    expect(out.unsupported.filter((u) => u.startsWith('rule '))).toEqual([
      'rule bw: a bandwidth step (OCI autoscaling policies change the instance count only; load balancer bandwidth has its own fixed range)',
      'rule w: a traffic weight (OCI autoscaling policies change the instance count only; load balancer bandwidth has its own fixed range)',
    ]);
    expect(JSON.stringify(out.resources)).not.toContain('PredictBandwidthUtilization');
  });

  it('reads the policy out of a model deployment body, and a disabled policy becomes a dry run', () => {
    const md = {
      id: DEP,
      modelDeploymentConfigurationDetails: {
        deploymentType: 'SINGLE_MODEL',
        modelConfigurationDetails: {
          modelId: 'm',
          scalingPolicy: scalingPolicy(
            [
              {
                metricExpressionRuleType: 'PREDEFINED_EXPRESSION',
                metricType: 'MEMORY_UTILIZATION',
                scaleOutConfiguration: { threshold: 85 },
                scaleInConfiguration: { threshold: 30 },
              },
            ],
            { isEnabled: false },
          ),
        },
      },
    };
    const r = importNativePolicy(md);
    expect(r.policy).toMatchObject({
      targets: [ref],
      dryRun: true,
      rules: [{ name: 'memory-high', threshold: { metric: 'MemoryUtilization', above: 85, change: 1 } }, { name: 'memory-low' }],
    });
    expect(r.unsupported).toContainEqual(expect.stringContaining('isEnabled false'));
  });

  it('lists what it cannot express: a joined query, another statistic, a pending duration, a second policy', () => {
    const doc = scalingPolicy([
      {
        metricExpressionRuleType: 'CUSTOM_EXPRESSION',
        scaleOutConfiguration: query('QUERY', 1, 'CpuUtilization[5m]{resourceId = "x"}.max() > 80 && MemoryUtilization[5m]{resourceId = "x"}.max() > 80'),
        scaleInConfiguration: query('QUERY', 1, 'CpuUtilization[5m]{resourceId = "x"}.max() < 5'),
      },
      {
        metricExpressionRuleType: 'CUSTOM_EXPRESSION',
        scaleOutConfiguration: { ...query('QUERY', 1, 'CpuUtilization[5m]{resourceId = "MODEL_DEPLOYMENT_OCID"}.max() > 80'), pendingDuration: 'PT5M' },
        scaleInConfiguration: query('QUERY', 1, 'CpuUtilization[1m]{resourceId = "MODEL_DEPLOYMENT_OCID"}.mean() < 5'),
      },
    ]);
    doc.autoScalingPolicies.push(doc.autoScalingPolicies[0]!);
    const r = importNativePolicy(doc);
    expect(r.unsupported.join('\n')).toMatch(/not one > threshold on one metric/);
    expect(r.unsupported.join('\n')).toMatch(/max\(\) over 5m/);
    expect(r.unsupported.join('\n')).toMatch(/pendingDuration PT5M/);
    expect(r.unsupported.join('\n')).toMatch(/only the first policy/);
    // The joined rule is skipped whole (no scale-in without its scale-out); the other comes in.
    expect(r.policy.rules.map((x) => x.name)).toEqual(['cpu-high', 'cpu-low']);
  });

  it.each([
    [{ policyType: 'FIXED_SIZE', instanceCount: 2 }, 'policyType'],
    [{ hello: 1 }, 'scalingPolicy'],
    [scalingPolicy([], {}), 'autoScalingPolicies[0].rules'],
    [
      {
        ...scalingPolicy([]),
        autoScalingPolicies: [
          {
            autoScalingPolicyType: 'THRESHOLD',
            minimumInstanceCount: 0,
            maximumInstanceCount: 2,
            rules: [
              {
                metricExpressionRuleType: 'PREDEFINED_EXPRESSION',
                metricType: 'CPU_UTILIZATION',
                scaleOutConfiguration: { threshold: 80 },
                scaleInConfiguration: { threshold: 10 },
              },
            ],
          },
        ],
      },
      'autoScalingPolicies[0].minimumInstanceCount',
    ],
    [
      scalingPolicy([
        {
          metricExpressionRuleType: 'PREDEFINED_EXPRESSION',
          metricType: 'GPU',
          scaleOutConfiguration: { threshold: 1 },
          scaleInConfiguration: { threshold: 1 },
        },
      ]),
      'autoScalingPolicies[0].rules[0].metricType',
    ],
  ])('refuses %j naming %s', (doc, path) => {
    let err: unknown;
    try {
      importNativePolicy(doc);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => i.path)).toContain(path);
  });

  it('any JSON gets a policy or a ValidationError (fuzz)', () => {
    const leaf = fc.oneof(
      fc.constantFrom('AUTOSCALING', 'THRESHOLD', 'CUSTOM_EXPRESSION', 'PREDEFINED_EXPRESSION', 'CPU_UTILIZATION', 'CpuUtilization[1m]{}.mean() > 1'),
      fc.integer({ min: -2, max: 20 }),
      fc.string(),
    );
    const arb = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(
          fc.constantFrom(
            'policyType',
            'autoScalingPolicies',
            'autoScalingPolicyType',
            'rules',
            'minimumInstanceCount',
            'maximumInstanceCount',
            'metricExpressionRuleType',
            'metricType',
            'scaleOutConfiguration',
            'scaleInConfiguration',
            'threshold',
            'query',
            'instanceCountAdjustment',
            'resources',
            'modelConfigurationDetails',
            'scalingPolicy',
          ),
          tie('node'),
          { maxKeys: 5 },
        ),
      ),
    })).node;
    fc.assert(
      fc.property(arb, (doc) => {
        try {
          validatePolicy(importNativePolicy(doc).policy);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('what a model deployment cannot do (checkPolicy)', () => {
  const base = { name: 'p', targets: [ref], rules: [{ name: 'hi', threshold: { metric: 'CpuUtilization', above: 80, change: 1 } }] };

  it('refuses a zero floor and a schedule to zero, naming the fields', () => {
    const p = validatePolicy({
      ...base,
      limits: { minReplicas: 0, maxReplicas: 4 },
      rules: [...base.rules, { name: 'night', schedule: { start: '0 22 * * *', durationMinutes: 60, minReplicas: 0, maxReplicas: 0 } }],
    });
    const provider = new OciDataScienceProvider({ dataScience: {} as never });
    expect(provider.checkPolicy(p, ref).map((i) => i.path)).toEqual(['limits.minReplicas', 'rules[1].schedule.minReplicas']);
    expect(provider.checkPolicy(p, ref)[0]!.message).toMatch(/cannot scale to zero/);
  });

  it('refuses a size ladder entry that is not a shape; accepts GPU, flex and fixed rungs', () => {
    expect(
      checkModelDeploymentPolicy(validatePolicy({ ...base, limits: { minReplicas: 1, maxReplicas: 4, sizes: ['VM.GPU.A10.1', 'large'] } })).map((i) => i.path),
    ).toEqual(['limits.sizes[1]']);
    expect(
      checkModelDeploymentPolicy(
        validatePolicy({ ...base, limits: { minReplicas: 1, maxReplicas: 4, sizes: ['VM.GPU3.1', 'VM.GPU3.2', 'VM.Standard.E4.Flex:2x32'] } }),
      ),
    ).toEqual([]);
  });
});

describe('GPU shapes on the ladder', () => {
  it('a GPU deployment moves within its generation', () => {
    expect(defaultLadder(parseRung('VM.GPU.A10.1'))).toEqual(['VM.GPU.A10.1', 'VM.GPU.A10.2']);
    expect(defaultLadder(parseRung('VM.GPU3.2'))).toEqual(['VM.GPU3.1', 'VM.GPU3.2', 'VM.GPU3.4']);
    expect(defaultLadder(parseRung('VM.GPU2.1'))).toEqual(['VM.GPU2.1']);
    expect([gpuCount('VM.GPU3.4'), gpuCount('VM.GPU.A10.2'), gpuCount('VM.Standard2.4')]).toEqual([4, 2, undefined]);
  });
});
