import { createHash, createHmac } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { ValidationError } from '@autoscaler/core';

/**
 * `loadtest` against the real thing: a SageMaker endpoint (SigV4-signed InvokeEndpoint) or an
 * OCI model deployment (`/predict`, signed with the OCI request signer and ~/.oci/config).
 * Signatures are made for the exact request autocannon sends and renewed every minute (both
 * clouds accept a signed request for 5 minutes); no signature or key is ever printed.
 */
export interface SignedTarget {
  /** The URL requests go to (the real one, or the `--endpoint-url` override). */
  url: URL;
  /** What the run is against, for messages (no secret). */
  label: string;
  method: 'POST';
  /** The current signed headers (host, date, authorization...). */
  headers(): Record<string, string>;
  /** Sign again (called before each stage and every minute during one). */
  refresh(): Promise<void>;
}

/** The `loadtest` flags that choose a signed target (none: a plain `--url` run). */
export interface SignedTargetChoice {
  /** SigV4-signed InvokeEndpoint to this SageMaker endpoint (with `region`). */
  sagemakerEndpoint?: string;
  region?: string;
  /** OCI-signed POST to this model deployment predict URL. */
  ociDeploymentUrl?: string;
  ociConfig?: string;
  ociProfile?: string;
  /** Tests only: send the signed requests to this loopback origin instead. */
  endpointUrl?: string;
}

export interface SignedTargetFlags extends SignedTargetChoice {
  body: string;
  contentType: string;
}

/** How often signatures are renewed during a stage: well inside both clouds' 5-minute window. */
export const RESIGN_MS = 60_000;

const SAGEMAKER_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** `https://modeldeployment.<region>.oci.customer-oci.com/<model deployment ocid>/predict` */
const OCI_PREDICT =
  /^https:\/\/modeldeployment\.[a-z0-9-]+\.oci\.customer-oci\.com\/ocid1\.datasciencemodeldeployment\.[a-z0-9]+\.[a-z0-9-]*\.[a-z0-9.-]*[a-z0-9]+\/predict$/;

/** localhost, ::1 or 127.x.x.x. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * `--endpoint-url` (tests and local fakes only): requests go to this loopback origin with the
 * real path, and are signed for it, so a local server can check the signature.
 */
function override(real: URL, raw: string | undefined): URL {
  if (raw === undefined) return real;
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    throw ValidationError.field('--endpoint-url', `"${raw}" is not a URL`);
  }
  if (!isLoopback(base) || (base.protocol !== 'http:' && base.protocol !== 'https:'))
    throw ValidationError.field('--endpoint-url', `must be an http(s) loopback URL (it is for tests against a local fake), got ${base.host}`);
  return new URL(real.pathname + real.search, base.origin);
}

/** The SageMaker runtime URL for an endpoint: the only host `--sagemaker-endpoint` sends to. */
export function sagemakerInvokeUrl(endpoint: string, region: string): URL {
  if (!SAGEMAKER_NAME.test(endpoint))
    throw ValidationError.field('--sagemaker-endpoint', `"${endpoint}" is not a SageMaker endpoint name (letters, digits and hyphens, at most 63)`);
  if (!AWS_REGION.test(region)) throw ValidationError.field('--region', `"${region}" is not an AWS region (like us-east-1)`);
  return new URL(`https://runtime.sagemaker.${region}.amazonaws.com/endpoints/${endpoint}/invocations`);
}

/** An OCI model deployment's predict URL, checked against the one host pattern OCI uses. */
export function ociPredictUrl(raw: string): URL {
  if (!OCI_PREDICT.test(raw))
    throw ValidationError.field('--oci-deployment-url', 'must be https://modeldeployment.<region>.oci.customer-oci.com/<model deployment OCID>/predict');
  return new URL(raw);
}

/** SHA-256 (HMAC with a secret) in the shape @smithy/signature-v4 wants, on node:crypto. */
type Source = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Source): string | Uint8Array =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
class Sha256 {
  private readonly hash;
  constructor(secret?: Source) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: Source): void {
    this.hash.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

async function sagemakerTarget(flags: SignedTargetFlags): Promise<SignedTarget> {
  const region = flags.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'];
  if (!region) throw ValidationError.field('--region', "give the endpoint's region (or set AWS_REGION)");
  const real = sagemakerInvokeUrl(flags.sagemakerEndpoint!, region);
  const url = override(real, flags.endpointUrl);
  const [{ SignatureV4 }, { defaultProvider }] = await Promise.all([import('@smithy/signature-v4'), import('@aws-sdk/credential-provider-node')]);
  const signer = new SignatureV4({ service: 'sagemaker', region, credentials: defaultProvider(), sha256: Sha256 });
  let current: Record<string, string> = {};
  return {
    url,
    label: `SageMaker endpoint ${flags.sagemakerEndpoint} (${region})`,
    method: 'POST',
    headers: () => current,
    async refresh() {
      let signed;
      try {
        signed = await signer.sign({
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: {},
          headers: { host: url.host, 'content-type': flags.contentType, accept: 'application/json' },
          body: flags.body,
        });
      } catch (e) {
        throw ValidationError.field(
          '--sagemaker-endpoint',
          `no AWS credentials to sign with (${(e as Error).name}): set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`,
        );
      }
      current = signed.headers;
    },
  };
}

async function ociTarget(flags: SignedTargetFlags): Promise<SignedTarget> {
  const real = ociPredictUrl(flags.ociDeploymentUrl!);
  const url = override(real, flags.endpointUrl);
  const common = await import('oci-common');
  const configPath = flags.ociConfig ?? join(homedir(), '.oci', 'config');
  let provider;
  try {
    provider = new common.ConfigFileAuthenticationDetailsProvider(configPath, flags.ociProfile ?? 'DEFAULT');
  } catch (e) {
    throw ValidationError.field(
      '--oci-config',
      `cannot read profile ${flags.ociProfile ?? 'DEFAULT'} from ${configPath}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const signer = new common.DefaultRequestSigner(provider);
  let current: Record<string, string> = {};
  return {
    url,
    label: `OCI model deployment ${real.pathname.split('/')[1]}`,
    method: 'POST',
    headers: () => current,
    async refresh() {
      const headers = new Headers({ 'content-type': flags.contentType, 'content-length': String(Buffer.byteLength(flags.body)), accept: 'application/json' });
      await signer.signHttpRequest({ method: 'POST', uri: url.toString(), headers, body: flags.body });
      const out: Record<string, string> = {};
      headers.forEach((v, k) => (out[k] = v));
      // Signed over host: send exactly the host that was signed. autocannon writes Content-Length itself.
      out['host'] ??= url.host;
      delete out['content-length'];
      current = out;
    },
  };
}

/** The signed target the flags name, or undefined for a plain `--url` run. */
export async function signedTarget(flags: SignedTargetFlags & { url?: string }): Promise<SignedTarget | undefined> {
  const named = [
    flags.url !== undefined && '--url',
    flags.sagemakerEndpoint !== undefined && '--sagemaker-endpoint',
    flags.ociDeploymentUrl !== undefined && '--oci-deployment-url',
  ].filter(Boolean);
  if (named.length === 0) throw ValidationError.field('--url', 'give --url, --sagemaker-endpoint <name> --region <region>, or --oci-deployment-url <url>');
  if (named.length > 1)
    throw ValidationError.field(String(named[1]), `give one of --url, --sagemaker-endpoint, --oci-deployment-url (got ${named.join(' and ')})`);
  if (flags.endpointUrl !== undefined && flags.url !== undefined)
    throw ValidationError.field('--endpoint-url', 'is for --sagemaker-endpoint and --oci-deployment-url; with --url, give the URL itself');
  if (flags.sagemakerEndpoint !== undefined) return sagemakerTarget(flags);
  if (flags.ociDeploymentUrl !== undefined) return ociTarget(flags);
  return undefined;
}
