import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { FAKE_CREDENTIALS, verifySigV4 } from '@autoscaler/sandbox-aws';
import { createTestIdentity, verifyRequest, writeOciConfig, type TestIdentity } from '@autoscaler/sandbox-oci';
import { runLoadtest } from '../src/commands/loadtest';
import { ociPredictUrl, sagemakerInvokeUrl } from '../src/commands/signed-requests';
import type { CliIO } from '../src/io';

/**
 * loadtest against SageMaker and OCI: the requests are checked by the wire fakes' own signature
 * checkers (SigV4 from the AWS fake, OCI HTTP signatures from the OCI fake) on loopback servers.
 */
jest.setTimeout(30_000);

const dir = mkdtempSync(join(tmpdir(), 'cli-signed-'));
const captureIO = (): CliIO & { err: (t: string) => void; lines: string[] } => {
  const lines: string[] = [];
  return { lines, isTTY: false, out: (t) => void lines.push(t), err: (t) => void lines.push(t) };
};

interface Seen {
  ok: number;
  refused: string[];
  paths: Set<string>;
  services: Set<string>;
}

/** A loopback server that answers 200 only to requests `check` accepts. */
async function checkingServer(check: (req: IncomingMessage, body: Buffer, seen: Seen) => void): Promise<{ url: string; seen: Seen; server: Server }> {
  const seen: Seen = { ok: 0, refused: [], paths: new Set(), services: new Set() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.paths.add(`${req.method} ${req.url}`);
      try {
        check(req, Buffer.concat(chunks), seen);
        seen.ok++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"predictions":[1]}');
      } catch (e) {
        seen.refused.push((e as Error).message);
        res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"signature"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

describe('loadtest --sagemaker-endpoint: SigV4-signed InvokeEndpoint', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_REGION']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  async function run(secret: string): Promise<{ seen: Seen; availability: number; transactions: number }> {
    process.env['AWS_ACCESS_KEY_ID'] = FAKE_CREDENTIALS.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = secret;
    delete process.env['AWS_PROFILE'];
    const credentials = new Map([[FAKE_CREDENTIALS.accessKeyId, FAKE_CREDENTIALS]]);
    const s = await checkingServer((req, body, seen) => {
      const scope = verifySigV4({ method: req.method ?? 'GET', url: req.url ?? '/', rawHeaders: req.rawHeaders, body }, credentials, 'eu-west-1', Date.now());
      seen.services.add(scope.service);
    });
    servers.push(s.server);
    const r = await runLoadtest(
      {
        sagemakerEndpoint: 'my-endpoint',
        region: 'eu-west-1',
        endpointUrl: s.url,
        body: '{"instances":[[1,2]]}',
        concurrency: '2',
        duration: '1s',
        stageSeconds: '1',
        out: join(dir, `aws-${secret.length}.csv`),
      },
      captureIO(),
    );
    return { seen: s.seen, availability: r.stages[0]!.availabilityPct, transactions: r.stages[0]!.transactions };
  }

  it('every request passes the AWS fake SigV4 check, as InvokeEndpoint on the endpoint path', async () => {
    const { seen, availability, transactions } = await run(FAKE_CREDENTIALS.secretAccessKey);
    expect(seen.refused).toEqual([]);
    expect(seen.ok).toBeGreaterThan(0);
    // Answers still in flight when the stage ends are not counted.
    expect(transactions).toBeLessThanOrEqual(seen.ok);
    expect(transactions).toBeGreaterThan(0);
    expect(availability).toBe(100);
    expect([...seen.paths]).toEqual(['POST /endpoints/my-endpoint/invocations']);
    expect([...seen.services]).toEqual(['sagemaker']);
  });

  it('a wrong secret is refused by the checker (the check can fail)', async () => {
    const { seen, availability } = await run('not-the-secret');
    expect(seen.ok).toBe(0);
    expect(seen.refused[0]).toMatch(/signature/i);
    expect(availability).toBe(0);
  });
});

describe('loadtest --oci-deployment-url: OCI-signed /predict', () => {
  const OCID = 'ocid1.datasciencemodeldeployment.oc1.eu-frankfurt-1.amaaaaaaexampleuniqueid1234567890';
  const real = `https://modeldeployment.eu-frankfurt-1.oci.customer-oci.com/${OCID}/predict`;

  async function run(signWith: TestIdentity, checkWith: TestIdentity): Promise<{ seen: Seen; availability: number }> {
    const { configPath } = writeOciConfig(signWith, mkdtempSync(join(dir, 'oci-')));
    const s = await checkingServer((req, body) => {
      verifyRequest(
        { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
        (keyId) => (keyId === checkWith.keyId ? checkWith.publicKey : undefined),
        Date.now(),
      );
    });
    servers.push(s.server);
    const r = await runLoadtest(
      {
        ociDeploymentUrl: real,
        ociConfig: configPath,
        endpointUrl: s.url,
        body: '{"data":[1]}',
        concurrency: '2',
        duration: '1s',
        stageSeconds: '1',
        out: join(dir, 'oci.csv'),
      },
      captureIO(),
    );
    return { seen: s.seen, availability: r.stages[0]!.availabilityPct };
  }

  it("every request passes the OCI fake's HTTP-signature check, on the deployment's /predict path", async () => {
    const identity = createTestIdentity({ region: 'eu-frankfurt-1', modulusLength: 1024 });
    const { seen, availability } = await run(identity, identity);
    expect(seen.refused).toEqual([]);
    expect(seen.ok).toBeGreaterThan(0);
    expect(availability).toBe(100);
    expect([...seen.paths]).toEqual([`POST /${OCID}/predict`]);
  });

  it('a key the checker does not know is refused', async () => {
    const { seen, availability } = await run(createTestIdentity({ modulusLength: 1024 }), createTestIdentity({ modulusLength: 1024 }));
    expect(seen.ok).toBe(0);
    expect(seen.refused.length).toBeGreaterThan(0);
    expect(availability).toBe(0);
  });

  it('a missing OCI profile is a clear error naming --oci-config', async () => {
    await expect(
      runLoadtest(
        { ociDeploymentUrl: real, ociConfig: join(dir, 'nope'), endpointUrl: 'http://127.0.0.1:9', duration: '1s', out: join(dir, 'x.csv') },
        captureIO(),
      ),
    ).rejects.toThrow(/--oci-config/);
  });
});

describe('signed targets go only to their own hosts', () => {
  it.each([
    [{ sagemakerEndpoint: 'e', region: 'us-east-1', endpointUrl: 'http://10.0.0.1:80' }, /--endpoint-url.*loopback/],
    [{ sagemakerEndpoint: 'e', region: 'us-east-1', endpointUrl: 'https://evil.example.com' }, /--endpoint-url.*loopback/],
    [{ ociDeploymentUrl: 'https://evil.example.com/ocid1.datasciencemodeldeployment.oc1.iad.abc/predict' }, /--oci-deployment-url/],
    [
      { ociDeploymentUrl: 'https://modeldeployment.us-ashburn-1.oci.customer-oci.com.evil.com/ocid1.datasciencemodeldeployment.oc1.iad.abc/predict' },
      /--oci-deployment-url/,
    ],
    [{ sagemakerEndpoint: 'bad/name', region: 'us-east-1' }, /--sagemaker-endpoint/],
    [{ sagemakerEndpoint: 'e', region: 'evil.com/x' }, /--region/],
    [{ url: 'http://127.0.0.1:1', sagemakerEndpoint: 'e', region: 'us-east-1' }, /one of --url, --sagemaker-endpoint/],
    [{}, /--url/],
  ])('%j is refused', async (flags, message) => {
    await expect(runLoadtest({ ...flags, duration: '1s', out: join(dir, 'never.csv') }, captureIO())).rejects.toThrow(message);
  });

  it('fuzz: any endpoint name and region give the SageMaker runtime host or a ValidationError', () => {
    fc.assert(
      fc.property(fc.string(), fc.oneof(fc.string(), fc.constantFrom('us-east-1', 'eu-west-1')), (name, region) => {
        try {
          const url = sagemakerInvokeUrl(name, region);
          expect(url.host).toBe(`runtime.sagemaker.${region}.amazonaws.com`);
          expect(url.pathname).toBe(`/endpoints/${name}/invocations`);
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });

  it('fuzz: any URL gives an OCI model-deployment host or a ValidationError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.webUrl(),
          fc.string(),
          fc.string().map((s) => `https://modeldeployment.us-ashburn-1.oci.customer-oci.com/ocid1.datasciencemodeldeployment.oc1.iad.${s}/predict`),
        ),
        (raw) => {
          try {
            const url = ociPredictUrl(raw);
            expect(url.hostname).toMatch(/^modeldeployment\.[a-z0-9-]+\.oci\.customer-oci\.com$/);
            expect(url.protocol).toBe('https:');
          } catch (e) {
            expect(e).toBeInstanceOf(ValidationError);
          }
        },
      ),
    );
  });
});
