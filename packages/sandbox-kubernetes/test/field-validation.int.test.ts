import type { Json } from '../src/patch';
import { findResource } from '../src/resources';
import { checkFields, fieldValidationOf, unknownFields } from '../src/field-validation';
import { openApiV3Document, openApiV3Root } from '../src/openapi';
import { applySeed } from '../src/seed';
import { startFakeKubeApi, type FakeKubeApi } from '../src/fake-kube-api';

const DEPLOYMENTS = findResource('apps', 'v1', 'deployments')!;
const CONFIGMAPS = findResource('', 'v1', 'configmaps')!;

describe('fieldValidation (unknown fields at the top level, in metadata and in spec)', () => {
  it('finds the unknown fields a kind does not have', () => {
    expect(
      unknownFields(DEPLOYMENTS, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'x', lables: {} },
        spec: { replica: 2, replicas: 1, template: { spec: { anything: 1 } } },
        extra: true,
      }),
    ).toEqual(['extra', 'metadata.lables', 'spec.replica']);
    expect(unknownFields(CONFIGMAPS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: {}, binaryData: {}, immutable: true })).toEqual([]);
    expect(unknownFields(CONFIGMAPS, { metadata: { name: 'x' }, spec: {} })).toEqual(['spec']);
  });

  it('Strict refuses with the strict decoder message, Warn reports and drops, Ignore drops silently', () => {
    const body = (): { [key: string]: Json } => ({ metadata: { name: 'x' }, spec: { replica: 2, replicas: 1 } });
    expect(() => checkFields('Strict', DEPLOYMENTS, body())).toThrow(
      'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    );
    const warned = body();
    expect(checkFields('Warn', DEPLOYMENTS, warned)).toEqual({ warning: '299 - "unknown field \\"spec.replica\\""' });
    expect(warned['spec']).toEqual({ replicas: 1 });
    const ignored = body();
    expect(checkFields('Ignore', DEPLOYMENTS, ignored)).toEqual({});
    expect(ignored['spec']).toEqual({ replicas: 1 });
  });

  it('reads the query parameter: Warn by default, 400 for an unknown directive', () => {
    expect(fieldValidationOf(new URLSearchParams(''))).toBe('Warn');
    expect(fieldValidationOf(new URLSearchParams('fieldValidation=Strict'))).toBe('Strict');
    expect(() => fieldValidationOf(new URLSearchParams('fieldValidation=strict'))).toThrow('fieldValidation must be one of Ignore, Warn or Strict');
  });
});

describe('OpenAPI v3 skeleton', () => {
  it('the root points at one document per stored group version; each PATCH names its kind and takes fieldValidation', () => {
    const root = openApiV3Root() as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(root.paths)).toEqual(['api/v1', 'apis/apps/v1', 'apis/autoscaling/v2']);
    for (const [key, { serverRelativeURL }] of Object.entries(root.paths)) {
      expect(serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${key}\\?hash=[0-9A-F]{128}$`));
      const doc = openApiV3Document(serverRelativeURL.split('?')[0]!) as {
        paths: Record<
          string,
          { patch?: { parameters: Array<{ name: string }>; requestBody: { content: Record<string, unknown> }; 'x-kubernetes-group-version-kind': unknown } }
        >;
      };
      const patches = Object.values(doc.paths).flatMap((p) => (p.patch ? [p.patch] : []));
      expect(patches.length).toBeGreaterThan(0);
      for (const p of patches) {
        expect(p.parameters.map((x) => x.name)).toContain('fieldValidation');
        expect(Object.keys(p.requestBody.content)).not.toContain('application/apply-patch+yaml');
      }
    }
    const apps = openApiV3Document('/openapi/v3/apis/apps/v1') as { paths: Record<string, { patch?: Record<string, unknown> }> };
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    expect(apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.patch?.['x-kubernetes-group-version-kind']).toEqual({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    expect(openApiV3Document('/openapi/v3/apis/metrics.k8s.io/v1beta1')).toBeUndefined();
  });
});

describe('fieldValidation and OpenAPI over HTTP', () => {
  let api: FakeKubeApi;
  beforeAll(async () => {
    api = await startFakeKubeApi();
    applySeed(api, { deployments: [{ namespace: 'ml', name: 'model-server', replicas: 2 }] });
  });
  afterAll(async () => {
    expect(api.errors).toEqual([]);
    await api.close();
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; warning: string | null; json: Record<string, unknown> }> => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${api.token}`, 'content-type': contentType },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, warning: res.headers.get('warning'), json: (await res.json()) as Record<string, unknown> };
  };

  it('serves the root and the documents it points at, 404 for others', async () => {
    const root = await call('GET', '/openapi/v3');
    expect(root.status).toBe(200);
    const url = (root.json['paths'] as Record<string, { serverRelativeURL: string }>)['apis/apps/v1']!.serverRelativeURL;
    expect((await call('GET', url)).json).toMatchObject({ openapi: '3.0.0' });
    expect((await call('GET', '/openapi/v3/apis/nope/v1')).status).toBe(404);
  });

  it('a strict patch with an unknown field is a 400 and writes nothing; a warned one answers a Warning header and drops the field', async () => {
    const rv = api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.resourceVersion;
    const path = '/apis/apps/v1/namespaces/ml/deployments/model-server';
    const strict = await call('PATCH', `${path}?fieldValidation=Strict`, { spec: { replica: 5 } }, 'application/merge-patch+json');
    expect(strict.status).toBe(400);
    expect(strict.json).toMatchObject({
      kind: 'Status',
      reason: 'BadRequest',
      message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"',
    });
    expect(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.resourceVersion).toBe(rv);
    const warned = await call('PATCH', path, { metadata: { labels: { team: 'ml' } }, spec: { replica: 5 } }, 'application/merge-patch+json');
    expect(warned.status).toBe(200);
    expect(warned.warning).toBe('299 - "unknown field \\"spec.replica\\""');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!['spec']).not.toHaveProperty('replica');
    expect(api.get('apps/v1', 'Deployment', 'ml', 'model-server')!.metadata.labels).toMatchObject({ team: 'ml' });
    const created = await call('POST', '/api/v1/namespaces/ml/configmaps?fieldValidation=Strict', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: '1' },
      dta: {},
    });
    expect(created.status).toBe(400);
    expect(String(created.json['message'])).toContain('unknown field "dta"');
    expect((await call('POST', '/api/v1/namespaces/ml/configmaps?fieldValidation=Bogus', { metadata: { name: 'c' } })).status).toBe(400);
  });
});
