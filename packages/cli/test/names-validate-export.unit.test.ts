import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '@autoscaler/core';
import { cloudNames, clouds, findCloud, kindOfCloud, nativeFormats, resolveCloud } from '../src/clouds';
import { plainIssues, plainMessage, yamlSyntaxProblem } from '../src/issues';
import { checkPolicy } from '../src/commands/validate';
import { runCli } from '../src/program';
import { closest, editDistance } from '../src/suggest';
import { captureIO } from './support';

const dir = mkdtempSync(join(tmpdir(), 'cli-names-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const OCID = 'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaexampleuniqueid1234567890';

describe('one name per cloud', () => {
  it.each([
    ['oci', 'oci'],
    ['oci-data-science', 'oci'],
    ['OCI', 'oci'],
    ['aws', 'aws'],
    ['sagemaker', 'aws'],
    ['aws-sagemaker', 'aws'],
    ['k8s', 'k8s'],
    ['kubernetes', 'k8s'],
  ])('%s is %s', (name, cloud) => {
    expect(resolveCloud(name).name).toBe(cloud);
    expect(findCloud(name)?.name).toBe(cloud);
  });

  it('an unknown name lists every valid one, with a "did you mean" for a near miss', () => {
    expect(() => resolveCloud('gcp', '--provider')).toThrow(ValidationError);
    expect(() => resolveCloud('gcp', '--provider')).toThrow(`invalid --provider: unknown cloud "gcp": use one of ${cloudNames()}`);
    expect(() => resolveCloud('oci-datascience')).toThrow('did you mean "oci-data-science"?');
    expect(() => resolveCloud('kubernets')).toThrow('did you mean "kubernetes"?');
    // Generated clouds join the list (sorted by name): the built-in ones are always there.
    for (const c of ['aws (aws-sagemaker, sagemaker)', 'k8s (kubernetes)', 'oci (oci-data-science)']) expect(cloudNames()).toContain(c);
  });

  it.each([
    [['status', 'kubernetes', '--help'], /Usage: autoscaler status k8s\|kubernetes/],
    [['sandbox', 'sagemaker', '--help'], /Usage: autoscaler sandbox aws/],
    [['teardown', 'oci-data-science', '--help'], /Usage: autoscaler teardown oci/],
  ])('%j reaches the cloud subcommand', async (argv, usage) => {
    const io = captureIO();
    expect(await runCli(argv, io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(usage);
  });

  it.each([
    [['setup', 'k8s'], 'k8s has no "setup" command (setup is for aws (aws-sagemaker, sagemaker), oci (oci-data-science))'],
    [['setup', 'gcp'], 'unknown cloud "gcp": use one of aws (aws-sagemaker, sagemaker), oci (oci-data-science)'],
    [['status', 'oci-datascience'], 'did you mean "oci-data-science"?'],
    // Every cloud, built in or generated, has a sandbox.
    [['sandbox'], `autoscaler sandbox <cloud>, where <cloud> is ${cloudNames()}`],
    [['scale', 'endpoint/e/variant/v', '--replicas', '2', '--cloud', 'gpc'], 'unknown cloud "gpc"'],
    [['scale', 'not-an-id', '--replicas', '2', '--cloud', 'sagemaker'], 'invalid id: "not-an-id" is not endpoint/<name>/variant/<variant>'],
    [
      ['scale', 'endpoint/e/variant/v', '--shape', 'VM.Standard2.2'],
      'invalid --shape: is for oci; endpoint/e/variant/v is a target of aws: use --size or --instance-type',
    ],
    [
      ['scale', 'not-an-id', '--replicas', '2'],
      'aws: endpoint/<endpoint>/variant/<variant>; k8s: <namespace>/<deployment|statefulset>/<name>; oci: a model deployment OCID',
    ],
  ])('%j fails with one clear error', async (argv, message) => {
    const io = captureIO();
    expect(await runCli(argv, io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(message);
    expect(io.stderr.join('\n')).not.toContain('unknown command');
  });

  it("kindOfCloud maps every name of a cloud to a tool's own name for it (simulate --provider)", () => {
    const kinds = ['oci', 'sagemaker', 'kubernetes'] as const;
    expect(['aws', 'sagemaker', 'aws-sagemaker', 'k8s', 'kubernetes', 'oci-data-science'].map((n) => kindOfCloud(n, kinds))).toEqual([
      'sagemaker',
      'sagemaker',
      'sagemaker',
      'kubernetes',
      'kubernetes',
      'oci',
    ]);
    expect(() => kindOfCloud('gcp', kinds)).toThrow(
      'invalid --provider: unknown cloud "gcp": use one of aws (aws-sagemaker, sagemaker), k8s (kubernetes), oci (oci-data-science)',
    );
  });

  it('help texts list the clouds from the registry', async () => {
    const io = captureIO();
    await runCli(['--help'], io);
    const help = io.stdout.join(' ').replace(/\s+/g, ' ');
    for (const c of clouds) expect(help).toContain(c.name);
    expect(help).toContain('sandbox [cloud]');
    const scale = captureIO();
    await runCli(['scale', '--help'], scale);
    const scaleHelp = scale.stdout.join(' ').replace(/\s+/g, ' ');
    expect(scaleHelp).toMatch(/--size <size> (.*, )?instance type \(aws\), (.*, )?requests\/limits tier \(k8s\), (.*, )?shape \(oci\)/);
    expect(scaleHelp).toContain('--shape <shape> alias of --size for oci');
    expect(scaleHelp).toContain('--bandwidth <mbps> load balancer bandwidth in Mbps (oci)');
  });
});

describe('validate: providers, target ids, plain messages, YAML syntax', () => {
  const policy = (targets: string): string =>
    `name: t\ntargets: ${targets}\nlimits: { maxReplicas: 4 }\nrules:\n  - name: cpu\n    targetTracking: { metric: cpu, target: 60 }\n`;

  it('accepts every provider with a well-formed id', async () => {
    const io = captureIO();
    const f = file(
      'good.yaml',
      policy(
        `[{ provider: oci-data-science, id: ${OCID} }, { provider: aws-sagemaker, id: endpoint/e-1/variant/AllTraffic }, { provider: kubernetes, id: ml/deployment/model-server }]`,
      ),
    );
    expect(await runCli(['validate', f], io)).toBe(0);
    expect(io.stdout.join('')).toContain('3 target(s)');
  });

  it.each([
    ['{ provider: gcp, id: x }', /targets\[0\]\.provider: unknown provider "gcp": use one of (.*, )?aws-sagemaker, (.*, )?kubernetes, (.*, )?oci-data-science/],
    [`{ provider: oci-datascience, id: ${OCID} }`, 'targets[0].provider: unknown provider "oci-datascience": did you mean "oci-data-science"?'],
    ['{ provider: oci, id: x }', 'targets[0].provider: "oci" is the command-line name of the cloud; a policy names its provider: "oci-data-science"'],
    ['{ provider: aws-sagemaker, id: my-endpoint }', 'targets[0].id: "my-endpoint" is not endpoint/<name>/variant/<variant>'],
    ['{ provider: kubernetes, id: ml/pod/x }', 'targets[0].id: kind "pod" in "ml/pod/x" must be one of deployment, statefulset'],
    ['{ provider: oci-data-science, id: ocid1.datasciencemodel.oc1.iad.abc }', 'targets[0].id:'],
  ])('%s is refused', async (target, message) => {
    const io = captureIO();
    expect(await runCli(['validate', file('t.yaml', policy(`[${target}]`))], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(message);
  });

  it("turns zod's wording into one sentence per field", async () => {
    const io = captureIO();
    const f = file(
      'zod.yaml',
      'name: t\ntargets: []\nlimits: { minReplicas: "two" }\nrules:\n  - name: a\n    targetTracking: { metric: cpu, algorithm: fast }\n',
    );
    expect(await runCli(['validate', f], io)).toBe(1);
    const err = io.stderr.join('\n');
    expect(err).toContain('limits.maxReplicas: is required (a number)');
    expect(err).toContain('limits.minReplicas: must be a number, not text');
    expect(err).toContain('rules[0].targetTracking.target: is required (a number)');
    expect(err).toContain('rules[0].targetTracking.algorithm: must be one of "aws", "hpa"');
    expect(err).not.toMatch(/Invalid input|expected \w+, received/);
    const paths = err
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(':')[0]);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it.each([
    ['name: t\nname: u\n', 'line 2, column 1: the key "name" appears twice in the same mapping'],
    ['name: t\nrules:\n\t- name: a\n', 'line 3, column 1: a tab is used for indentation'],
    ['name: "t\n', 'line 2, column 1: missing closing "quote'],
    ['{"name": "t", "rules": [1,}\n', 'line 1, column 27: flow sequence in block collection must be sufficiently indented and end with a ]'],
  ])('a syntax error says what is wrong: %j', async (text, message) => {
    const io = captureIO();
    expect(await runCli(['validate', file('syntax.yaml', text)], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(`(document): not valid YAML/JSON: ${message}`);
  });

  it('--json lists the same plain issues', async () => {
    const io = captureIO();
    expect(await runCli(['validate', file('j.yaml', policy('[{ provider: gcp, id: x }]')), '--json'], io)).toBe(1);
    const doc = JSON.parse(io.stdout.join('\n')) as { valid: boolean; issues: Array<{ path: string; message: string }> };
    expect(doc).toMatchObject({ valid: false, issues: [{ path: 'targets[0].provider' }] });
  });

  it('plainMessage rewrites the zod 4 wordings and leaves ours alone', () => {
    expect(plainMessage('Invalid input: expected number, received undefined')).toBe('is required (a number)');
    expect(plainMessage('Invalid input: expected string, received number')).toBe('must be text, not a number');
    expect(plainMessage('Too small: expected number to be >=1')).toBe('must be >= 1');
    expect(plainMessage('Too small: expected array to have >=1 items')).toBe('needs at least 1 items');
    expect(plainMessage('must be <= upper')).toBe('must be <= upper');
    expect(
      plainIssues([
        { path: 'a', message: 'x' },
        { path: 'a', message: 'x' },
        { path: 'a', message: 'y' },
      ]),
    ).toEqual([{ path: 'a', message: 'x; y' }]);
  });

  it('yamlSyntaxProblem never throws and agrees with the parser (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const problem = yamlSyntaxProblem(text);
        let parses = true;
        try {
          parseYaml(text, { uniqueKeys: true, logLevel: 'error' });
        } catch {
          parses = false;
        }
        expect(problem === undefined).toBe(parses);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['{ type: sns, topicArn: not-an-arn }', 'notifications[0].topicArn'],
    ['{ type: ons, topicId: "" }', 'notifications[0].topicId'],
    ['{ type: slack, url: "https://hooks.example.invalid/x" }', 'notifications[0].type'],
  ])('a notification entry %s is checked by its cloud: the problem names %s', async (entry, path) => {
    const text = `name: t\ntargets: [{ provider: aws-sagemaker, id: endpoint/e-1/variant/AllTraffic }]\nlimits: { maxReplicas: 4 }\nrules: [{ name: up, threshold: { alarm: high, change: 1 } }]\nnotifications: [${entry}]\n`;
    const r = await checkPolicy(text, 'n.yaml');
    expect(r.valid).toBe(false);
    expect(r.valid ? [] : r.issues.map((i) => i.path)).toContain(path);
    const ok = text.replace(
      /notifications: .*/,
      'notifications: [{ type: sns, topicArn: "arn:aws:sns:us-east-1:123456789012:ops" }, { type: webhook, url: "https://hooks.example.com/x" }]',
    );
    expect((await checkPolicy(ok, 'n.yaml')).valid).toBe(true);
  });

  it('checkPolicy answers every document with a verdict, never a crash (fuzz)', async () => {
    const target = fc.record(
      {
        provider: fc.oneof(fc.constantFrom('oci-data-science', 'aws-sagemaker', 'kubernetes', 'oci', 'gcp'), fc.string()),
        id: fc.oneof(fc.string(), fc.constant(OCID), fc.constant('ml/deployment/x'), fc.integer()),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { name: fc.string(), targets: fc.oneof(fc.array(target, { maxLength: 3 }), fc.jsonValue()), limits: fc.jsonValue(), rules: fc.jsonValue() },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(doc, async (d) => {
        const r = await checkPolicy(JSON.stringify(d) ?? 'null', 'fuzz.json');
        if (!r.valid) for (const i of r.issues) expect(i.message).not.toMatch(/^Invalid input: expected/);
      }),
      { numRuns: 150 },
    );
  });

  it('closest() finds near misses only', () => {
    expect(editDistance('oci-datascience', 'oci-data-science')).toBe(1);
    expect(closest('gcp', ['aws', 'oci', 'k8s'])).toBeUndefined();
    expect(closest('sagemkaer', ['sagemaker', 'kubernetes'])).toBe('sagemaker');
  });
});

describe('export --to oci-native|aas|hpa|keda', () => {
  const all = file(
    'export.yaml',
    `name: serving
targets:
  - { provider: oci-data-science, id: ${OCID} }
  - { provider: aws-sagemaker, id: endpoint/churn/variant/AllTraffic }
  - { provider: kubernetes, id: ml/deployment/model-server }
limits: { minReplicas: 2, maxReplicas: 10, cooldown: { scaleOut: 60, scaleIn: 600 } }
rules:
  - name: cpu-70
    targetTracking: { metric: cpu, target: 70, algorithm: hpa }
  - name: office-hours
    schedule: { start: "0 8 * * 1-5", end: "0 18 * * 1-5", timezone: Europe/Berlin, minReplicas: 4 }
  - name: cpu-high
    threshold: { metric: CpuUtilization, above: 80, change: 1 }
  - name: cpu-low
    threshold: { metric: CpuUtilization, below: 20, change: -1 }
`,
  );

  it('every format comes from a registered cloud', () => {
    expect(
      nativeFormats()
        .map((f) => `${f.name}:${f.cloud.name}`)
        .sort(),
    ).toEqual(['aas:aws', 'hpa:k8s', 'keda:k8s', 'oci-native:oci']);
  });

  it('keda: a ScaledObject with cpu and cron triggers, and what KEDA cannot express', async () => {
    const io = captureIO();
    expect(await runCli(['export', '--to', 'keda', all], io)).toBe(0);
    const so = parseYaml(io.stdout.join('\n')) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string };
      spec: Record<string, unknown>;
    };
    expect(so).toMatchObject({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'model-server', namespace: 'ml' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model-server' },
        minReplicaCount: 2,
        maxReplicaCount: 10,
        triggers: [
          { type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } },
          { type: 'cron', metadata: { timezone: 'Europe/Berlin', start: '0 8 * * 1-5', end: '0 18 * * 1-5', desiredReplicas: '4' } },
        ],
      },
    });
    expect(so.spec['advanced']).toMatchObject({ horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } } });
    const err = io.stderr.join('\n');
    expect(err).toContain('rules[2] (cpu-high): threshold rules');
    expect(err).not.toContain('office-hours');
  });

  it('hpa: a complete manifest; the schedule is listed as not expressible', async () => {
    const io = captureIO();
    expect(await runCli(['export', '--to', 'hpa', all], io)).toBe(0);
    expect(parseYaml(io.stdout.join('\n'))).toMatchObject({
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'model-server' },
      spec: { scaleTargetRef: { name: 'model-server' }, minReplicas: 2, maxReplicas: 10 },
    });
    expect(io.stderr.join('\n')).toContain('rules[1] (office-hours): scheduled min/max windows have no HPA equivalent');
  });

  it.each([['aas'], ['oci-native']])('%s prints the payloads as JSON with the list of what cannot be expressed', async (to) => {
    const io = captureIO();
    expect(await runCli(['export', '--to', to, all, '--json'], io)).toBe(0);
    const [r] = JSON.parse(io.stdout.join('\n')) as Array<{ format: string; resources: unknown[]; unsupported: string[] }>;
    expect(r!.format).toBe(to);
    expect(r!.resources.length).toBeGreaterThan(0);
    expect(r!.unsupported.length).toBeGreaterThan(0);
  });

  it('refuses an unknown format and a target of the wrong shape', async () => {
    const io = captureIO();
    expect(await runCli(['export', '--to', 'kedda', all], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('unknown format "kedda": did you mean "keda"?');
    const io2 = captureIO();
    expect(await runCli(['export', '--to', 'hpa', all, '--target', 'ml/model-server'], io2)).toBe(1);
    expect(io2.stderr.join('\n')).toContain('invalid --target');
  });
});
