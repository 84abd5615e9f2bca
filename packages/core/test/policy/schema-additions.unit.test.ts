import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parsePolicy, validatePolicy, type Policy } from '../../src/index';
import { issuesByPath } from '../expect-validation-error';

const base = { name: 'p', limits: { maxReplicas: 10 } };

const issuesOf = (doc: Record<string, unknown>): Record<string, string> => issuesByPath(() => validatePolicy({ ...base, ...doc }));

const step = (extra: Record<string, unknown>) => ({ rules: [{ name: 's', step: { alarm: 'a', adjustments: [{ lower: 0, change: 1 }], ...extra } }] });
const tracking = (extra: Record<string, unknown>) => ({ rules: [{ name: 't', targetTracking: { metric: 'QueueDepth', target: 10, ...extra } }] });

describe('step rules: metricAggregationType', () => {
  it('defaults to Average and takes Minimum or Maximum', () => {
    const p: Policy = validatePolicy({ ...base, ...step({}) });
    expect(p.rules[0]!.step!.metricAggregationType).toBe('Average');
    expect(validatePolicy({ ...base, ...step({ metricAggregationType: 'Maximum' }) }).rules[0]!.step!.metricAggregationType).toBe('Maximum');
  });
  it('anything else is refused by path', () => {
    expect(Object.keys(issuesOf(step({ metricAggregationType: 'Sum' })))).toEqual(['rules[0].step.metricAggregationType']);
  });
});

describe('targetTracking: customMetric', () => {
  it('accepts the AWS customized metric fields', () => {
    const p = validatePolicy({
      ...base,
      ...tracking({ customMetric: { namespace: 'vLLM', statistic: 'Maximum', unit: 'Count', dimensions: { EndpointName: 'llm' } } }),
    });
    expect(p.rules[0]!.targetTracking!.customMetric).toEqual({ namespace: 'vLLM', statistic: 'Maximum', unit: 'Count', dimensions: { EndpointName: 'llm' } });
  });
  it.each([
    ['no statistic', { namespace: 'x' }, 'rules[0].targetTracking.customMetric.statistic'],
    ['unknown statistic', { statistic: 'p99' }, 'rules[0].targetTracking.customMetric.statistic'],
    ['unknown unit', { statistic: 'Sum', unit: 'Requests' }, 'rules[0].targetTracking.customMetric.unit'],
    ['misspelt field', { statistic: 'Sum', dimension: {} }, 'rules[0].targetTracking.customMetric.dimension'],
    ['empty dimension value', { statistic: 'Sum', dimensions: { EndpointName: '' } }, 'rules[0].targetTracking.customMetric.dimensions.EndpointName'],
    [
      'too many dimensions',
      { statistic: 'Sum', dimensions: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'v'])) },
      'rules[0].targetTracking.customMetric.dimensions',
    ],
  ])('%s is refused by path', (_what, customMetric, path) => {
    expect(Object.keys(issuesOf(tracking({ customMetric })))).toEqual([path]);
  });
});

describe('fallback', () => {
  it('defaults failureThreshold to 3; replicas optional', () => {
    expect(validatePolicy({ ...base, ...step({}), fallback: {} }).fallback).toEqual({ failureThreshold: 3 });
    expect(validatePolicy({ ...base, ...step({}), fallback: { failureThreshold: 1, replicas: 4 } }).fallback).toEqual({ failureThreshold: 1, replicas: 4 });
    expect(validatePolicy({ ...base, ...step({}) }).fallback).toBeUndefined();
  });
  it.each([
    [{ failureThreshold: 0 }, 'fallback.failureThreshold'],
    [{ failureThreshold: 1.5 }, 'fallback.failureThreshold'],
    [{ replicas: -1 }, 'fallback.replicas'],
    [{ replica: 3 }, 'fallback.replica'],
  ])('%j is refused by path', (fallback, path) => {
    expect(Object.keys(issuesOf({ ...step({}), fallback }))).toEqual([path]);
  });
});

describe('docs/policy.md', () => {
  const doc = readFileSync(join(__dirname, '../../../../docs/policy.md'), 'utf8');
  it('the main example sets fallback and metricAggregationType', () => {
    const p = parsePolicy(/```yaml\n([\s\S]*?)```/.exec(doc)![1]!);
    expect(p.fallback).toEqual({ failureThreshold: 3, replicas: 4 });
    expect(p.rules.find((r) => r.step)?.step?.metricAggregationType).toBe('Average');
  });
  it('the customMetric rule validates', () => {
    const section = doc.slice(doc.indexOf('`targetTracking.customMetric`'));
    const rules = parse(/```yaml\n([\s\S]*?)```/.exec(section)![1]!) as unknown[];
    const p = validatePolicy({ ...base, rules });
    expect(p.rules[0]!.targetTracking!.customMetric?.statistic).toBe('Maximum');
  });
});
