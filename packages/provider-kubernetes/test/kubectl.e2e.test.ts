import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { applySeed, kubeconfigYaml, selfSignedCertificate, startFakeKubeApi } from '@autoscaler/sandbox-kubernetes';
import type { FakeKubeApi, FakeKubeSeed, KubeObject, TlsCredentials } from '@autoscaler/sandbox-kubernetes';

/**
 * The real `kubectl` against the fake apiserver (issue 7: "faithful enough that kubectl works against it").
 * kubectl is an external binary this repository does not install: where it is missing the suite is skipped with a
 * loud line, rather than failed. The fake serves TLS (kubectl sends the bearer token only over TLS) with a certificate made in Node.
 */
function onPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const KUBECTL = onPath('kubectl');
if (!KUBECTL) {
  console.warn(
    `\n${'#'.repeat(90)}\n# SKIPPED kubectl.e2e.test.ts: kubectl not on PATH; the fake apiserver was NOT checked against kubectl\n${'#'.repeat(90)}\n`,
  );
}
const suite = KUBECTL ? describe : describe.skip;

jest.setTimeout(60_000);

const SEED: FakeKubeSeed = {
  namespaces: ['ml', 'web'],
  deployments: [
    {
      namespace: 'ml',
      name: 'model-server',
      replicas: 2,
      labels: { app: 'model-server' },
      load: { cpu: '1.5', memoryPerPod: '700Mi' },
      containers: [
        { name: 'server', image: 'ghcr.io/example/model-server:1.0', requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
      ],
    },
    { namespace: 'ml', name: 'embeddings', replicas: 2, labels: { app: 'embeddings' }, load: { cpu: '0.6', memoryPerPod: '256Mi' } },
    { namespace: 'web', name: 'frontend', replicas: 3, labels: { app: 'frontend' } },
  ],
  hpas: [{ namespace: 'web', name: 'frontend', target: 'deployment/frontend', minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 }],
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Table output as rows of cells (kubectl pads columns with 3+ spaces; cells here hold no double spaces). */
function table(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));
}

suite('kubectl against the fake apiserver over HTTPS', () => {
  let dir: string;
  let cert: TlsCredentials;
  let api: FakeKubeApi;
  let kubeconfig: string;

  /** One kubectl invocation, bounded in time, never through a shell. */
  const kubectl = (args: readonly string[], config = kubeconfig): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        KUBECTL!,
        [`--cache-dir=${join(dir, 'cache')}`, '--request-timeout=10s', ...args],
        { env: { ...process.env, KUBECONFIG: config }, timeout: 30_000, maxBuffer: 8 * 1024 * 1024 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) }),
      );
    });

  const ok = async (args: readonly string[]): Promise<string> => {
    const r = await kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };

  const writeKubeconfig = (name: string, target: Parameters<typeof kubeconfigYaml>[0]): string => {
    const file = join(dir, name);
    writeFileSync(file, kubeconfigYaml(target), { mode: 0o600 });
    return file;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubectl-e2e-'));
    cert = selfSignedCertificate();
    api = await startFakeKubeApi({ tls: cert });
    applySeed(api, SEED);
    kubeconfig = writeKubeconfig('kubeconfig', api);
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(api.errors).toEqual([]);
  });

  it('the kubeconfig trusts the fake by its CA (no insecure-skip-tls-verify) and kubectl sends the token', async () => {
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const yaml = kubeconfigYaml(api);
    expect(yaml).toContain(`certificate-authority-data: ${Buffer.from(cert.cert).toString('base64')}`);
    expect(yaml).not.toContain('insecure-skip-tls-verify');
    api.log.clear();
    expect(await ok(['get', 'namespaces', '-o', 'name'])).toContain('namespace/ml');
    const sent = api.log.find('GET', '/api/v1/namespaces');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((e) => e.headers['authorization'] === `Bearer ${api.token}`)).toBe(true);
  });

  it('discovery: api-resources and api-versions through aggregated discovery, one request for /api and one for /apis', async () => {
    api.log.clear();
    const out = await ok(['api-resources', '--no-headers']);
    const rows = table(out);
    expect(rows).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(rows).toContainEqual(['horizontalpodautoscalers', 'hpa', 'autoscaling/v2', 'true', 'HorizontalPodAutoscaler']);
    expect(rows).toContainEqual(['pods', 'metrics.k8s.io/v1beta1', 'true', 'PodMetrics']);
    expect(rows).toContainEqual(['nodes', 'no', 'v1', 'false', 'Node']);
    const discovery = api.log.find('GET').filter((e) => e.path === '/api' || e.path === '/apis');
    expect(discovery.map((e) => e.status)).toEqual([200, 200]);
    // kubectl 1.30+ asks for v2 first, older ones for v2beta1; both are served.
    expect(discovery.every((e) => /^application\/json;g=apidiscovery\.k8s\.io;v=v2(beta1)?;as=APIGroupDiscoveryList/.test(String(e.headers['accept'])))).toBe(
      true,
    );
    // With aggregated discovery kubectl does not read each group version.
    expect(api.log.count('GET', /^\/apis\/apps\/v1$/)).toBe(0);
    expect((await ok(['api-versions'])).trim().split('\n')).toEqual(['apps/v1', 'autoscaling/v2', 'metrics.k8s.io/v1beta1', 'v1']);
  });

  it('discovery falls back to the legacy documents against a server without aggregated discovery, with the same result', async () => {
    const legacy = await startFakeKubeApi({ tls: cert, aggregatedDiscovery: false });
    try {
      applySeed(legacy, SEED);
      const config = writeKubeconfig('legacy-kubeconfig', legacy);
      const r = await kubectl(['api-resources', '--no-headers'], config);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(await ok(['api-resources', '--no-headers']));
      const api2 = legacy.log.find('GET', /^\/api(s)?$/);
      expect(api2.length).toBeGreaterThanOrEqual(2);
      expect(api2.every((e) => e.status === 200)).toBe(true);
      for (const gv of ['/api/v1', '/apis/apps/v1', '/apis/autoscaling/v2', '/apis/metrics.k8s.io/v1beta1'])
        expect(legacy.log.count('GET', new RegExp(`^${gv.replace(/\./g, '\\.')}$`))).toBeGreaterThan(0);
      expect(legacy.errors).toEqual([]);
    } finally {
      await legacy.close();
    }
  });

  it('get deployments -A prints the server-side Table; -o wide adds the priority-1 columns', async () => {
    const rows = table(await ok(['get', 'deployments', '-A']));
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
    expect(rows.slice(1).map((r) => r.slice(0, 5))).toEqual([
      ['ml', 'embeddings', '2/2', '2', '2'],
      ['ml', 'model-server', '2/2', '2', '2'],
      ['web', 'frontend', '3/3', '3', '3'],
    ]);
    expect(rows[1]![5]).toMatch(/^\d+s$/);
    const wide = table(await ok(['get', 'deployment', 'model-server', '-n', 'ml', '-o', 'wide']));
    expect(wide[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(wide[1]!.slice(5)).toEqual(['server', 'ghcr.io/example/model-server:1.0', 'app=model-server']);
    expect((await kubectl(['get', 'deployment', 'nope', '-n', 'ml'])).stderr).toContain('Error from server (NotFound): deployments.apps "nope" not found');
  });

  it('get deployment -o json returns the stored object', async () => {
    const d = JSON.parse(await ok(['get', 'deployment', 'model-server', '-n', 'ml', '-o', 'json'])) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; resourceVersion: string };
      spec: { replicas: number; template: { spec: { containers: Array<{ name: string; resources: unknown }> } } };
    };
    const stored = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    expect(d).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'model-server', namespace: 'ml', resourceVersion: stored.metadata.resourceVersion },
      spec: { replicas: 2 },
    });
    expect(d.spec.template.spec.containers[0]).toMatchObject({
      name: 'server',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
    });
  });

  it('scale deployment --replicas=3 patches the scale subresource; the fake and kubectl get agree; a failed precondition writes nothing', async () => {
    api.log.clear();
    expect((await ok(['scale', 'deployment/model-server', '--replicas=3', '-n', 'ml'])).trim()).toBe('deployment.apps/model-server scaled');
    const patch = api.log.find('PATCH', '/apis/apps/v1/namespaces/ml/deployments/model-server/scale');
    expect(patch.map((e) => [e.headers['content-type'], e.body, e.status])).toEqual([['application/merge-patch+json', '{"spec":{"replicas":3}}', 200]]);
    const stored = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    expect(stored['spec']).toMatchObject({ replicas: 3 });
    expect(stored['status']).toMatchObject({ replicas: 3, readyReplicas: 3 });
    expect(api.list('v1', 'Pod', 'ml').filter((p) => p.metadata.labels?.['app'] === 'model-server')).toHaveLength(3);
    expect(table(await ok(['get', 'deployment', 'model-server', '-n', 'ml']))[1]!.slice(0, 4)).toEqual(['model-server', '3/3', '3', '3']);
    expect(await ok(['get', 'deployment', 'model-server', '-n', 'ml', '-o', 'jsonpath={.spec.replicas}'])).toBe('3');

    // --current-replicas is a precondition kubectl checks against GET .../scale before a PUT.
    const rv = stored.metadata.resourceVersion;
    const stale = await kubectl(['scale', 'deployment/model-server', '--replicas=5', '--current-replicas=2', '-n', 'ml']);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain('Expected replicas to be 2, was 3');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.resourceVersion).toBe(rv);
    expect((await ok(['scale', 'deployment/model-server', '--replicas=3', '--current-replicas=3', `--resource-version=${rv}`, '-n', 'ml'])).trim()).toBe(
      'deployment.apps/model-server scaled',
    );
    expect(api.log.count('PUT', '/apis/apps/v1/namespaces/ml/deployments/model-server/scale')).toBe(1);
  });

  it('patch --type merge and --type json change annotations; the default strategic merge keeps containers by name', async () => {
    /** `kubectl patch deployment <name> -n ml [--type <type>] -p <body>`: what it prints. */
    const patch = async (name: string, body: string, type?: 'merge' | 'json'): Promise<string> =>
      (await ok(['patch', 'deployment', name, '-n', 'ml', ...(type ? ['--type', type] : []), '-p', body])).trim();
    const containersOf = (o: KubeObject): Array<Record<string, unknown>> =>
      (((o['spec'] as Record<string, unknown>)['template'] as Record<string, unknown>)['spec'] as { containers: Array<Record<string, unknown>> }).containers;
    api.log.clear();
    expect(await patch('embeddings', '{"metadata":{"annotations":{"autoscaler.dev/policy":"autoscaler/policies","team":"ml"}}}', 'merge')).toBe(
      'deployment.apps/embeddings patched',
    );
    expect(
      await patch(
        'embeddings',
        '[{"op":"add","path":"/metadata/annotations/owner","value":"alice"},{"op":"remove","path":"/metadata/annotations/team"}]',
        'json',
      ),
    ).toBe('deployment.apps/embeddings patched');
    const annotations = { 'autoscaler.dev/policy': 'autoscaler/policies', owner: 'alice' };
    expect(api.get('apps/v1', 'Deployment', 'ml', 'embeddings')!.metadata.annotations).toEqual(annotations);
    expect(JSON.parse(await ok(['get', 'deployment', 'embeddings', '-n', 'ml', '-o', 'jsonpath={.metadata.annotations}']))).toEqual(annotations);

    const before = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    await patch('model-server', '{"spec":{"template":{"spec":{"containers":[{"name":"server","resources":{"requests":{"cpu":"750m"}}}]}}}}');
    const after = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!;
    expect(containersOf(after)).toEqual([
      { ...containersOf(before)[0], resources: { requests: { cpu: '750m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
    ]);
    expect(after.metadata.generation).toBe(before.metadata.generation! + 1);
    expect(api.log.find('PATCH').map((e) => e.headers['content-type'])).toEqual([
      'application/merge-patch+json',
      'application/json-patch+json',
      'application/strategic-merge-patch+json',
    ]);

    // A failing JSON patch test op and an invalid value are refused by the server and change nothing.
    const rv = after.metadata.resourceVersion;
    const failed = await kubectl([
      'patch',
      'deployment',
      'model-server',
      '-n',
      'ml',
      '--type',
      'json',
      '-p',
      '[{"op":"test","path":"/spec/replicas","value":99},{"op":"replace","path":"/spec/replicas","value":9}]',
    ]);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toContain('test failed');
    const invalid = await kubectl(['patch', 'deployment', 'model-server', '-n', 'ml', '--type', 'merge', '-p', '{"spec":{"replicas":-2}}']);
    expect(invalid.stderr).toContain('spec.replicas: Invalid value: -2');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.resourceVersion).toBe(rv);
  });

  it("a pod resized in place with kubectl (pods/<name>/resize); a forbidden change is refused with the server's message", async () => {
    const pod = api.list('v1', 'Pod', 'ml').find((p) => p.metadata.name.startsWith('model-server-'))!.metadata.name;
    type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
    /**
     * `kubectl patch --subresource resize --type merge` (kubectl 1.32+ upstream). A kubectl that does not accept the
     * value (some 1.32 builds list only status and scale) gets the same change as a PUT of the whole pod on the
     * subresource path (`kubectl replace --raw`), which the same server code answers; that is said loudly.
     */
    const resize = async (resources: Resources): Promise<Run> => {
      const patched = await kubectl([
        'patch',
        'pod',
        pod,
        '-n',
        'ml',
        '--subresource',
        'resize',
        '--type',
        'merge',
        '-p',
        JSON.stringify({ spec: { containers: [{ name: 'server', resources }] } }),
      ]);
      if (!patched.stderr.includes('invalid subresource value: "resize"')) return patched;
      console.warn(
        `kubectl on PATH does not accept --subresource resize (${patched.stderr.trim()}); resizing with kubectl replace --raw on the subresource instead`,
      );
      const current = JSON.parse(await ok(['get', 'pod', pod, '-n', 'ml', '-o', 'json'])) as {
        spec: { containers: Array<{ name: string; resources: Resources }> };
      };
      const server = current.spec.containers.find((c) => c.name === 'server')!;
      server.resources = { requests: { ...server.resources.requests, ...resources.requests }, limits: { ...server.resources.limits, ...resources.limits } };
      const file = join(dir, 'resize.json');
      writeFileSync(file, JSON.stringify(current));
      return kubectl(['replace', '--raw', `/api/v1/namespaces/ml/pods/${pod}/resize`, '-f', file]);
    };
    api.log.clear();
    const done = await resize({ requests: { cpu: '800m' }, limits: { cpu: '1500m' } });
    expect(done).toMatchObject({ code: 0 });
    expect(api.log.entries.filter((e) => e.method !== 'GET').map((e) => `${e.method} ${e.path} ${e.status ?? ''}`)).toEqual([
      expect.stringMatching(new RegExp(`^(PATCH|PUT) /api/v1/namespaces/ml/pods/${pod}/resize 200$`)),
    ]);
    const resized = api.get('v1', 'Pod', 'ml', pod)!;
    const server = (resized['spec'] as { containers: Array<{ name: string; resources: unknown }> }).containers[0]!;
    expect(server.resources).toEqual({ requests: { cpu: '800m', memory: '1Gi' }, limits: { cpu: '1500m', memory: '2Gi' } });
    expect((await ok(['get', 'pod', pod, '-n', 'ml', '-o', 'jsonpath={.status.containerStatuses[0].resources.limits.cpu}'])).trim()).toBe('1500m');
    // The memory resize policy is NotRequired (the default): the memory limit cannot go down in place.
    const refused = await resize({ limits: { memory: '1Gi' } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer',
    );
    expect(api.get('v1', 'Pod', 'ml', pod)!.metadata.resourceVersion).toBe(resized.metadata.resourceVersion);
  });

  it('apply -f creates and updates with validation left to the server (OpenAPI v3 says it takes fieldValidation); unknown fields are refused', async () => {
    const manifest = (replicas: number, extra = ''): string =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reranker\n  namespace: ml\nspec:\n  replicas: ${replicas}\n${extra}  selector:\n    matchLabels: { app: reranker }\n  template:\n    metadata:\n      labels: { app: reranker }\n    spec:\n      containers:\n        - name: server\n          image: ghcr.io/example/reranker:2.0\n          resources: { requests: { cpu: 250m, memory: 512Mi } }\n`;
    const file = join(dir, 'reranker.yaml');
    api.log.clear();
    writeFileSync(file, manifest(1));
    expect((await ok(['apply', '-f', file])).trim()).toBe('deployment.apps/reranker created');
    expect(api.log.count('GET', '/openapi/v3')).toBeGreaterThan(0);
    expect(
      api.log.find('POST', '/apis/apps/v1/namespaces/ml/deployments').map((e) => [new URL(e.url, 'https://x').searchParams.get('fieldValidation'), e.status]),
    ).toEqual([['Strict', 201]]);
    writeFileSync(file, manifest(2));
    expect((await ok(['apply', '-f', file])).trim()).toBe('deployment.apps/reranker configured');
    expect((await ok(['apply', '-f', file])).trim()).toBe('deployment.apps/reranker unchanged');
    const stored = api.get('apps/v1', 'Deployment', 'ml', 'reranker')!;
    expect(stored['spec']).toMatchObject({ replicas: 2 });
    expect(stored.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain('"replicas":2');

    writeFileSync(file, manifest(3, '  replica: 3\n'));
    const strict = await kubectl(['apply', '-f', file]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain('strict decoding error: unknown field "spec.replica"');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'reranker')!.metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
    const warned = await kubectl(['apply', '-f', file, '--validate=warn']);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('Warning: unknown field "spec.replica"');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'reranker')!['spec']).not.toHaveProperty('replica');
    expect((await ok(['delete', '-f', file])).trim()).toBe('deployment.apps "reranker" deleted');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'reranker')).toBeUndefined();
  });

  it('get --raw on metrics.k8s.io returns the PodMetricsList; top pods reads the same numbers', async () => {
    const list = JSON.parse(await ok(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods?labelSelector=app%3Dembeddings'])) as {
      kind: string;
      apiVersion: string;
      items: Array<{
        metadata: { name: string; namespace: string };
        window: string;
        containers: Array<{ name: string; usage: { cpu: string; memory: string } }>;
      }>;
    };
    expect(list).toMatchObject({ kind: 'PodMetricsList', apiVersion: 'metrics.k8s.io/v1beta1' });
    expect(list.items).toHaveLength(2);
    for (const item of list.items) {
      expect(item.metadata.namespace).toBe('ml');
      expect(item.metadata.name).toMatch(/^embeddings-/);
      expect(item.window).toBe('30s');
      // 0.6 cores over two pods; 256Mi per pod.
      expect(item.containers).toEqual([{ name: expect.any(String), usage: { cpu: '300000000n', memory: '262144Ki' } }]);
    }
    const top = table(await ok(['top', 'pods', '-n', 'ml', '-l', 'app=embeddings', '--no-headers']));
    expect(top.map((r) => r.slice(1))).toEqual([
      ['300m', '256Mi'],
      ['300m', '256Mi'],
    ]);
    expect(top.map((r) => r[0]).sort()).toEqual(list.items.map((i) => i.metadata.name).sort());

    api.setMetricsAvailable(false);
    try {
      const down = await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods']);
      expect(down.code).not.toBe(0);
      expect(down.stderr).toContain('the server is currently unable to handle the request');
    } finally {
      api.setMetricsAvailable(true);
    }
  });

  it('get hpa -A prints reference, targets and bounds; get nodes and top nodes see the one node', async () => {
    const rows = table(await ok(['get', 'hpa', '-A']));
    expect(rows[0]).toEqual(['NAMESPACE', 'NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE']);
    // The fake runs no HPA controller: no current metrics or replicas in the status.
    expect(rows[1]!.slice(0, 7)).toEqual(['web', 'frontend', 'Deployment/frontend', 'cpu: <unknown>/70%', '2', '6', '0']);
    expect(table(await ok(['get', 'nodes', '--no-headers']))[0]!.slice(0, 3)).toEqual(['fake-node-1', 'Ready', '<none>']);
    expect(table(await ok(['top', 'nodes', '--no-headers']))[0]![0]).toBe('fake-node-1');
  });

  it('a wrong token is Unauthorized, a certificate from another CA is refused, and over plain HTTP kubectl sends no token at all', async () => {
    api.log.clear();
    const forged = await kubectl(['get', 'deployments', '-A'], writeKubeconfig('forged', { url: api.url, token: 'forged-token', ca: cert.cert }));
    expect(forged.code).not.toBe(0);
    expect(forged.stderr).toMatch(/You must be logged in to the server|Unauthorized/);
    expect(api.log.entries.length).toBeGreaterThan(0);
    expect(api.log.entries.every((e) => e.status === 401)).toBe(true);

    const other = selfSignedCertificate();
    const untrusted = await kubectl(['get', 'deployments', '-A'], writeKubeconfig('untrusted', { url: api.url, token: api.token, ca: other.cert }));
    expect(untrusted.code).not.toBe(0);
    expect(untrusted.stderr).toContain('certificate signed by unknown authority');

    const plain = await startFakeKubeApi({ tokens: { [api.token]: 'admin' } });
    try {
      const r = await kubectl(['get', 'deployments', '-A'], writeKubeconfig('plain', plain));
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/You must be logged in to the server|Unauthorized/);
      // client-go applies kubeconfig credentials only to TLS connections: why the sandbox serves HTTPS.
      expect(plain.log.entries.length).toBeGreaterThan(0);
      expect(plain.log.entries.every((e) => e.headers['authorization'] === undefined && e.status === 401)).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
