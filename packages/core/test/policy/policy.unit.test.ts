import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_KINDS, parsePolicy, ruleKind, validatePolicy, type Issue, type PolicyInput, type Rule } from '../../src/index';
import { validationErrorOf } from '../expect-validation-error';

const byPath = (issues: readonly Issue[]): Record<string, string> => Object.fromEntries(issues.map((i) => [i.path, i.message]));

const ALL_KINDS_YAML = `
name: churn-model
targets:
  - { provider: oci-data-science, id: ocid1.datasciencemodeldeployment.oc1.iad.aaaa }
limits:
  maxReplicas: 10
  sizes: [VM.Standard2.1, VM.Standard2.2, VM.Standard2.4]
rules:
  - name: high-cpu
    threshold: { alarm: high-cpu-alarm, change: 1 }
  - name: high-memory
    threshold: { alarm: high-memory, size: next }
  - name: latency
    step:
      metric: OverheadLatency
      threshold: 100000
      adjustments:
        - { lower: 0, upper: 50000, change: 1 }
        - { lower: 50000, change: 3 }
  - name: invocations
    targetTracking: { metric: InvocationsPerInstance, target: 10 }
  - name: business-hours
    schedule: { start: "0 8 * * 1-5", end: "0 20 * * 1-5", minReplicas: 3 }
notifications:
  - { type: webhook, url: "https://hooks.example.com/x" }
`;

describe('parsePolicy: valid documents', () => {
  it('reads every rule kind from YAML and applies the defaults', () => {
    const p = parsePolicy(ALL_KINDS_YAML);
    expect(p.apiVersion).toBe('autoscaler.dev/v1');
    expect(p.kind).toBe('ScalingPolicy');
    expect(p.dryRun).toBe(false);
    expect(p.limits).toEqual({
      minReplicas: 1,
      maxReplicas: 10,
      sizes: ['VM.Standard2.1', 'VM.Standard2.2', 'VM.Standard2.4'],
      cooldown: { scaleOut: 300, scaleIn: 300 },
      stabilization: { scaleOut: 0, scaleIn: 0 },
    });
    expect(p.rules.map((r) => r.name)).toEqual(['high-cpu', 'high-memory', 'latency', 'invocations', 'business-hours']);
    expect(p.rules[0]!.threshold).toEqual({ alarm: 'high-cpu-alarm', change: 1 });
    expect(p.rules[1]!.threshold).toEqual({ alarm: 'high-memory', size: 'next' });
    expect(p.rules[2]!.step).toEqual({
      metric: 'OverheadLatency',
      threshold: 100000,
      adjustmentType: 'ChangeInCapacity',
      metricAggregationType: 'Average',
      adjustments: [
        { lower: 0, upper: 50000, change: 1 },
        { lower: 50000, change: 3 },
      ],
    });
    expect(p.rules[3]!.targetTracking).toEqual({
      metric: 'InvocationsPerInstance',
      target: 10,
      statistic: 'perInstance',
      algorithm: 'aws',
      scaleInRatio: 0.9,
      disableScaleIn: false,
    });
    expect(p.rules[4]!.schedule).toEqual({ start: '0 8 * * 1-5', end: '0 20 * * 1-5', timezone: 'UTC', minReplicas: 3 });
    expect(p.notifications).toEqual([{ type: 'webhook', url: 'https://hooks.example.com/x', format: 'json' }]);
  });

  it('reads the same policy from JSON text and from an object', () => {
    const fromYaml = parsePolicy(ALL_KINDS_YAML);
    const input: PolicyInput = JSON.parse(JSON.stringify(fromYaml));
    expect(parsePolicy(JSON.stringify(input, null, 2))).toEqual(fromYaml);
    expect(validatePolicy(input)).toEqual(fromYaml);
  });

  it.each([
    ['ChangeInCapacity', [{ upper: 0, change: -1 }], undefined],
    ['PercentChangeInCapacity', [{ lower: 0, change: 25 }], 2],
    [
      'ExactCapacity',
      [
        { lower: 0, upper: 10, change: 4 },
        { lower: 10, change: 8 },
      ],
      undefined,
    ],
  ] as const)('accepts a %s step rule', (adjustmentType, adjustments, minAdjustmentMagnitude) => {
    const p = validatePolicy({
      name: 'p',
      limits: { maxReplicas: 10 },
      rules: [
        { name: 's', step: { alarm: 'a', adjustmentType, adjustments: [...adjustments], ...(minAdjustmentMagnitude ? { minAdjustmentMagnitude } : {}) } },
      ],
    });
    expect(p.rules[0]!.step!.adjustmentType).toBe(adjustmentType);
    expect(p.rules[0]!.step!.minAdjustmentMagnitude).toBe(minAdjustmentMagnitude);
  });

  it('accepts each notification kind', () => {
    const p = validatePolicy({
      name: 'p',
      limits: { maxReplicas: 2 },
      rules: [{ name: 'r', threshold: { alarm: 'a', change: 1 } }],
      notifications: [
        { type: 'webhook', url: 'https://example.com/hook', format: 'slack' },
        { type: 'ons', topicId: 'ocid1.onstopic.oc1.iad.aaaa' },
        { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:scaling' },
      ],
    });
    expect(p.notifications.map((n) => n.type)).toEqual(['webhook', 'ons', 'sns']);
  });

  it('accepts the example in docs/policy.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/policy.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(yaml).toBeDefined();
    const p = parsePolicy(yaml!);
    expect(p.name).toBe('churn-model');
    expect(p.limits.cooldown).toEqual({ scaleOut: 300, scaleIn: 600 });
    expect(p.rules.length).toBeGreaterThanOrEqual(4);
  });
});

/** The base's step rule (rules[2]): on alarm `lat`, with these step fields. */
const stepRule = (step: Record<string, unknown>): Record<string, unknown> => ({ name: 'steps', step: { alarm: 'lat', ...step } });

/** A valid base every bad document below changes in one or more places. */
function base(): Record<string, unknown> & { limits: Record<string, unknown>; rules: Array<Record<string, unknown>> } {
  return {
    name: 'p',
    limits: { minReplicas: 1, maxReplicas: 10, sizes: ['s', 'm', 'l'] },
    rules: [
      { name: 'up', threshold: { alarm: 'high', change: 1 } },
      { name: 'down', threshold: { metric: 'cpu', below: 10, change: -1 } },
      stepRule({
        adjustments: [
          { lower: 0, upper: 10, change: 1 },
          { lower: 10, change: 2 },
        ],
      }),
    ],
  };
}

type Mutation = (doc: ReturnType<typeof base>) => void;
const setRule =
  (i: number, rule: Record<string, unknown>): Mutation =>
  (d) => {
    d.rules[i] = rule;
  };

/** Replaces the base's step rule with one of these step fields. */
const setStep = (step: Record<string, unknown>): Mutation => setRule(2, stepRule(step));
const setAdjustments = (...adjustments: Array<Record<string, unknown>>): Mutation => setStep({ adjustments });

describe('validatePolicy: every problem listed by path', () => {
  it('starts from a valid base', () => {
    expect(() => validatePolicy(base())).not.toThrow();
  });

  const cases: Array<[string, Mutation, Record<string, string | RegExp>]> = [
    [
      'lower above upper',
      setAdjustments({ upper: 0, change: -1 }, { lower: 10, upper: 0, change: 1 }),
      { 'rules[2].step.adjustments[1].lower': 'must be <= upper' },
    ],
    ['empty interval', setAdjustments({ lower: 0, upper: 0, change: 1 }, { lower: 0, change: 2 }), { 'rules[2].step.adjustments[0].lower': /must be < upper/ }],
    [
      'overlapping intervals',
      setAdjustments({ lower: 0, upper: 10, change: 1 }, { lower: 5, change: 2 }),
      { 'rules[2].step.adjustments[1].lower': 'overlaps adjustments[0]' },
    ],
    [
      'a gap between intervals',
      setAdjustments({ lower: 0, upper: 10, change: 1 }, { lower: 20, change: 2 }),
      { 'rules[2].step.adjustments[1].lower': /leaves a gap after adjustments\[0\] \(upper 10\)/ },
    ],
    [
      'overlap found whatever the order',
      setAdjustments({ lower: 5, change: 2 }, { lower: 0, upper: 10, change: 1 }),
      { 'rules[2].step.adjustments[0].lower': 'overlaps adjustments[1]' },
    ],
    ['no step adjustments', setStep({ adjustments: [] }), { 'rules[2].step.adjustments': /at least one/ }],
    [
      'negative ExactCapacity',
      setStep({ adjustmentType: 'ExactCapacity', adjustments: [{ lower: 0, change: -1 }] }),
      { 'rules[2].step.adjustments[0].change': /ExactCapacity must be >= 0/ },
    ],
    [
      'magnitude without percent',
      setStep({ minAdjustmentMagnitude: 2, adjustments: [{ lower: 0, change: 1 }] }),
      { 'rules[2].step.minAdjustmentMagnitude': /only applies to PercentChangeInCapacity/ },
    ],
    ['fractional step change', setStep({ adjustments: [{ lower: 0, change: 1.5 }] }), { 'rules[2].step.adjustments[0].change': 'must be a whole number' }],
    [
      'unknown adjustment type',
      setStep({ adjustmentType: 'Percent', adjustments: [{ lower: 0, change: 1 }] }),
      { 'rules[2].step.adjustmentType': /ChangeInCapacity/ },
    ],
    [
      'misspelt limit',
      (d) => {
        d.limits = { maxReplica: 10 };
      },
      { 'limits.maxReplica': 'unknown field', 'limits.maxReplicas': /^is required \(a number\)$/ },
    ],
    [
      'unknown fields at several levels',
      (d) => {
        d.rule = [];
        d.limits.cooldown = { scaleOut: 60, scaleIN: 60 };
        d.rules[0] = { name: 'up', threshold: { alarm: 'high', change: 1, chnage: 2 } };
      },
      { rule: 'unknown field', 'limits.cooldown.scaleIN': 'unknown field', 'rules[0].threshold.chnage': 'unknown field' },
    ],
    [
      'min above max',
      (d) => {
        d.limits.minReplicas = 5;
        d.limits.maxReplicas = 3;
      },
      { 'limits.minReplicas': 'must be <= maxReplicas (3)' },
    ],
    [
      'max of 0',
      (d) => {
        d.limits = { minReplicas: 0, maxReplicas: 0 };
      },
      { 'limits.maxReplicas': 'must be >= 1' },
    ],
    [
      'fractional and negative replicas',
      (d) => {
        d.limits = { minReplicas: -1, maxReplicas: 2.5 };
      },
      { 'limits.minReplicas': 'must be >= 0', 'limits.maxReplicas': 'must be a whole number' },
    ],
    [
      'negative cooldown',
      (d) => {
        d.limits.cooldown = { scaleOut: -1 };
      },
      { 'limits.cooldown.scaleOut': 'must be >= 0 seconds' },
    ],
    [
      'duplicate sizes',
      (d) => {
        d.limits.sizes = ['s', 'm', 's'];
      },
      { 'limits.sizes[2]': 'duplicate size "s"' },
    ],
    ['duplicate rule names', setRule(1, { name: 'up', threshold: { alarm: 'other', change: 1 } }), { 'rules[1].name': 'duplicate rule name (also rules[0])' }],
    [
      'a rule of two kinds',
      setRule(0, { name: 'up', threshold: { alarm: 'high', change: 1 }, targetTracking: { metric: 'cpu', target: 50 } }),
      { 'rules[0]': 'set only one of threshold, targetTracking' },
    ],
    ['a rule of no kind', setRule(0, { name: 'up' }), { 'rules[0]': /set one of threshold, step, targetTracking, schedule/ }],
    [
      'threshold reacting to nothing',
      setRule(0, { name: 'up', threshold: { change: 1 } }),
      { 'rules[0].threshold.alarm': /name an alarm or a metric/, 'rules[0].threshold.above': /needs above or below/ },
    ],
    [
      'threshold with change and size',
      setRule(0, { name: 'up', threshold: { alarm: 'a', change: 1, size: 'next' } }),
      { 'rules[0].threshold.change': /exactly one of change/ },
    ],
    ['threshold change of 0', setRule(0, { name: 'up', threshold: { alarm: 'a', change: 0 } }), { 'rules[0].threshold.change': 'must not be 0' }],
    [
      'threshold above and below',
      setRule(1, { name: 'down', threshold: { metric: 'cpu', above: 80, below: 10, change: -1 } }),
      { 'rules[1].threshold.below': 'set above or below, not both' },
    ],
    [
      'size rule without a ladder',
      (d) => {
        delete d.limits.sizes;
        d.rules[0] = { name: 'up', threshold: { alarm: 'a', size: 'next' } };
      },
      { 'rules[0].threshold.size': 'needs limits.sizes (the size ladder)' },
    ],
    ['target of 0', setRule(0, { name: 'tt', targetTracking: { metric: 'cpu', target: 0 } }), { 'rules[0].targetTracking.target': 'must be > 0' }],
    [
      'scale-in ratio above 1',
      setRule(0, { name: 'tt', targetTracking: { metric: 'cpu', target: 50, scaleInRatio: 1.5 } }),
      { 'rules[0].targetTracking.scaleInRatio': 'must be <= 1' },
    ],
    [
      'bad cron minute',
      setRule(0, { name: 'sched', schedule: { start: '61 8 * * *', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.start': 'minute: "61" is outside 0-59' },
    ],
    [
      'cron with four fields',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * *', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.start': /expected 5 cron fields .* got 4/ },
    ],
    [
      'cron range of three',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * * 1-3-5', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.start': /day-of-week: "1-3-5" is not a value, a range or a step/ },
    ],
    [
      'cron step of 0',
      setRule(0, { name: 'sched', schedule: { start: '*/0 8 * * *', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.start': /minute: bad step "0"/ },
    ],
    [
      'cron step not decimal',
      setRule(0, { name: 'sched', schedule: { start: '*/0x10 8 * * *', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.start': /minute: bad step/ },
    ],
    [
      'bad month name',
      setRule(0, { name: 'sched', schedule: { start: '0 8 1 foo *', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.start': /month: "foo"/ },
    ],
    [
      'bad time zone',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * * *', durationMinutes: 60, timezone: 'Mars/Olympus_Mons', minReplicas: 2 } }),
      { 'rules[0].schedule.timezone': 'unknown time zone "Mars/Olympus_Mons"' },
    ],
    [
      'schedule with end and duration',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * * *', end: '0 9 * * *', durationMinutes: 60, minReplicas: 2 } }),
      { 'rules[0].schedule.end': /exactly one of end/ },
    ],
    [
      'schedule setting nothing',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * * *', durationMinutes: 60 } }),
      { 'rules[0].schedule.minReplicas': /sets minReplicas, maxReplicas or both/ },
    ],
    [
      'schedule min above its max',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * * *', durationMinutes: 60, minReplicas: 5, maxReplicas: 4 } }),
      { 'rules[0].schedule.minReplicas': 'must be <= maxReplicas' },
    ],
    [
      'schedule min above the limits',
      setRule(0, { name: 'sched', schedule: { start: '0 8 * * *', durationMinutes: 60, minReplicas: 11 } }),
      { 'rules[0].schedule.minReplicas': 'must be <= limits.maxReplicas (10)' },
    ],
    [
      'webhook that is not a URL',
      (d) => {
        d.notifications = [{ type: 'webhook', url: 'not a url' }];
      },
      { 'notifications[0].url': /must be an (absolute )?https URL/ },
    ],
    [
      'notification type that is not a type name (kinds are checked where the app registers them)',
      (d) => {
        d.notifications = [{ type: 'Pager!', to: 'x' }];
      },
      { 'notifications[0].type': /./ },
    ],
    [
      'wrong apiVersion',
      (d) => {
        d.apiVersion = 'autoscaler.dev/v2';
      },
      { apiVersion: /autoscaler.dev\/v1/ },
    ],
    [
      'no rules',
      (d) => {
        d.rules = [];
      },
      { rules: 'needs at least one rule' },
    ],
    [
      'predictive without a target',
      setRule(0, { name: 'f', predictive: { metric: 'requests' } }),
      { 'rules[0].predictive.target': /^is required \(a number\)$/ },
    ],
    [
      'predictive with an unknown knob',
      setRule(0, { name: 'f', predictive: { metric: 'requests', target: 600, horizon: 300 } }),
      { 'rules[0].predictive.horizon': 'unknown field' },
    ],
    [
      'predictive bad values',
      setRule(0, {
        name: 'f',
        predictive: {
          metric: '',
          target: 0,
          periodSeconds: 7,
          horizonSeconds: 20_000,
          seasonDays: 15,
          levelMinutes: 0,
          jumpMinutes: 61,
          trendMinutes: 2,
          headroomQuantile: 0.4,
          headroomWindowMinutes: 30,
          scaleInRatio: 0,
          disableScaleIn: 'yes',
        },
      }),
      {
        'rules[0].predictive.metric': 'must not be empty',
        'rules[0].predictive.target': 'must be > 0',
        'rules[0].predictive.periodSeconds': /must divide a day \(86400 s\)/,
        'rules[0].predictive.horizonSeconds': 'must be <= 14400 (4 hours)',
        'rules[0].predictive.seasonDays': 'must be <= 14',
        'rules[0].predictive.levelMinutes': 'must be >= 1',
        'rules[0].predictive.jumpMinutes': 'must be <= 60',
        'rules[0].predictive.trendMinutes': 'must be >= 3',
        'rules[0].predictive.headroomQuantile': 'must be >= 0.5',
        'rules[0].predictive.headroomWindowMinutes': 'must be >= 60',
        'rules[0].predictive.scaleInRatio': 'must be > 0',
        'rules[0].predictive.disableScaleIn': /^must be true or false, not text$/,
      },
    ],
    [
      'predictive beside another kind in one rule',
      setRule(0, { name: 'f', predictive: { metric: 'requests', target: 600 }, threshold: { alarm: 'a', change: 1 } }),
      { 'rules[0]': 'set only one of threshold, predictive' },
    ],
    [
      'a target without an id',
      (d) => {
        d.targets = [{ provider: 'memory' }];
      },
      { 'targets[0].id': /^is required \(text\)$/ },
    ],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    const doc = base();
    mutate(doc);
    const err = validationErrorOf(() => validatePolicy(doc));
    const got = byPath(err.issues);
    // Exactly these paths: every problem, and no invented ones.
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const [path, message] of Object.entries(expected)) {
      if (typeof message === 'string') expect(got[path]).toBe(message);
      else expect(got[path]).toMatch(message);
      // The message itself carries every problem, so a log line is enough to fix the file.
      expect(err.message).toContain(`${path}: ${got[path]}`);
    }
    expect(err.code).toBe('VALIDATION');
  });

  it('lists problems from every part of the document in one error', () => {
    const doc = base();
    doc.limits = { minReplicas: 5, maxReplicas: 'ten', maxReplica: 10 };
    doc.rules[1] = { name: 'up', threshold: { alarm: 'x', change: 1 } };
    doc.rules[2] = { name: 'steps', step: { alarm: 'lat', adjustments: [{ lower: 20, upper: 10, change: 1 }] } };
    doc.rules.push({ name: 'sched', schedule: { start: '0 25 * * *', durationMinutes: 60, timezone: 'Nowhere/City', minReplicas: 2 } });
    const err = validationErrorOf(() => validatePolicy(doc));
    expect(byPath(err.issues)).toEqual({
      'limits.maxReplicas': 'must be a number, not text',
      'limits.maxReplica': 'unknown field',
      'rules[1].name': 'duplicate rule name (also rules[0])',
      'rules[2].step.adjustments[0].lower': 'must be <= upper',
      'rules[3].schedule.start': 'hour: "25" is outside 0-23',
      'rules[3].schedule.timezone': 'unknown time zone "Nowhere/City"',
    });
  });

  it('the issue text example: rules[2].step.adjustments[0].lower: must be <= upper', () => {
    const doc = base();
    doc.rules[2] = { name: 'steps', step: { alarm: 'lat', adjustments: [{ lower: 5, upper: 1, change: 1 }] } };
    expect(() => validatePolicy(doc)).toThrow('rules[2].step.adjustments[0].lower: must be <= upper');
  });
});

describe('parsePolicy: text that is not a policy', () => {
  it('reports a YAML syntax error with its line number', () => {
    const text = ['name: p', 'limits:', '  maxReplicas: 3', '  cooldown: { scaleOut: 60', 'rules: []'].join('\n');
    const err = validationErrorOf(() => parsePolicy(text, 'policy.yaml'));
    expect(err.message).toMatch(/^policy\.yaml: not valid YAML\/JSON at line \d+, column \d+/);
    const line = Number(/at line (\d+)/.exec(err.message)?.[1]);
    expect(line).toBeGreaterThanOrEqual(4);
    expect(line).toBeLessThanOrEqual(5);
    expect(err.issues).toEqual([{ path: '(document)', message: expect.stringContaining(`line ${line}`) }]);
  });

  it('reports a duplicate key with its line (a second `name:` must not silently win)', () => {
    const err = validationErrorOf(() => parsePolicy('name: a\nlimits: { maxReplicas: 2 }\nname: b\nrules: []\n'));
    expect(err.message).toMatch(/at line 3/);
  });

  it('reports broken JSON', () => {
    const err = validationErrorOf(() => parsePolicy('{"name": "p", "limits": {"maxReplicas": 2},'));
    expect(err.message).toMatch(/not valid YAML\/JSON at line 1/);
  });

  it.each([
    ['an empty file', ''],
    ['a list', '- a\n- b\n'],
    ['a scalar', '42'],
  ])('refuses %s: a policy is a mapping', (_what, text) => {
    const err = validationErrorOf(() => parsePolicy(text));
    expect(err.issues).toEqual([{ path: '(document)', message: 'must be a mapping' }]);
  });

  it('refuses something that is not text with a ValidationError, not a TypeError', () => {
    const err = validationErrorOf(() => parsePolicy(Buffer.from('name: x') as unknown as string));
    expect(err.issues[0]!.path).toBe('policy');
  });

  it('names the source in the message', () => {
    expect(() => parsePolicy('name: p\nlimits: { maxReplicas: 2 }\nrules: []\n', 'prod.yaml')).toThrow(
      /^prod\.yaml: invalid policy: rules: needs at least one rule$/,
    );
  });
});

describe('the predictive rule', () => {
  it('minimal form: metric and target, every other knob defaulted', () => {
    const p = validatePolicy({ name: 'p', limits: { maxReplicas: 10 }, rules: [{ name: 'forecast', predictive: { metric: 'requests', target: 600 } }] });
    expect(p.rules[0]).toEqual({
      name: 'forecast',
      predictive: {
        metric: 'requests',
        target: 600,
        periodSeconds: 60,
        seasonDays: 3,
        levelMinutes: 30,
        jumpMinutes: 5,
        trendMinutes: 60,
        headroomQuantile: 0.96,
        headroomWindowMinutes: 720,
        scaleInRatio: 0.85,
        disableScaleIn: false,
      },
    });
    expect(ruleKind(p.rules[0]!)).toBe('predictive');
  });

  it('accepts the predictive example in docs/policy.md', () => {
    const doc = readFileSync(join(__dirname, '../../../../docs/policy.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Predictive scaling'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    const p = parsePolicy(yaml!);
    expect(p.rules.map(ruleKind)).toEqual(['predictive', 'targetTracking']);
    expect(p.rules[0]!.predictive).toMatchObject({ metric: 'requests', target: 600, seasonDays: 3 });
  });

  it('10 s periods are accepted', () => {
    const p = validatePolicy({
      name: 'p',
      limits: { maxReplicas: 10 },
      rules: [{ name: 'f', predictive: { metric: 'ConcurrentRequestsPerModel', target: 4, periodSeconds: 10 } }],
    });
    expect(p.rules[0]!.predictive?.periodSeconds).toBe(10);
  });
});

describe('rules are a union by kind', () => {
  it('ruleKind names the one kind key of every parsed rule, in the shape users write', () => {
    const p = validatePolicy({
      name: 'p',
      limits: { maxReplicas: 10 },
      rules: [
        { name: 'a', threshold: { alarm: 'high', change: 1 } },
        { name: 'b', step: { alarm: 'lat', adjustments: [{ lower: 0, change: 1 }] } },
        { name: 'c', targetTracking: { metric: 'cpu', target: 50 } },
        { name: 'd', schedule: { start: '0 8 * * *', durationMinutes: 60, minReplicas: 2 } },
        { name: 'e', predictive: { metric: 'requests', target: 600 } },
      ],
    });
    expect(p.rules.map(ruleKind)).toEqual([...RULE_KINDS]);
    expect(p.rules.map((r) => Object.keys(r))).toEqual([
      ['name', 'threshold'],
      ['name', 'step'],
      ['name', 'targetTracking'],
      ['name', 'schedule'],
      ['name', 'predictive'],
    ]);
  });

  it('a rule built by hand without a kind is a ValidationError naming it', () => {
    const err = validationErrorOf(() => ruleKind({ name: 'ghost' } as unknown as Rule));
    expect(err.message).toMatch(/rules\[ghost\]: sets no rule kind/);
  });
});
