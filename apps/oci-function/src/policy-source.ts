import { ProviderError, TransientError, parsePolicy, type Clock, type Policy } from '@autoscaler/core';
import { signedHeaders, type OciAuth } from '@autoscaler/provider-oci-data-science';
import type { FunctionConfig } from './config';

export type FetchText = (url: string, headers: Record<string, string>) => Promise<{ status: number; text: string }>;

const defaultFetch: FetchText = async (url, headers) => {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, text: await res.text() };
};

/**
 * GET an Object Storage object. A pre-authenticated request (`/p/<token>/...`)
 * needs no signature; any other URL is signed with the function's principal
 * (IAM: `read objects` on the bucket).
 */
export async function fetchObjectText(url: string, auth: OciAuth | undefined, fetchText: FetchText = defaultFetch): Promise<string> {
  let headers: Record<string, string> = {};
  if (!/\/p\/[^/]+\/n\//.test(new URL(url).pathname)) {
    if (!auth) throw new ProviderError('AUTOSCALER_POLICY_URL is not a pre-authenticated request URL and there are no credentials to sign the GET');
    headers = await signedHeaders(auth, 'GET', url);
  }
  let res: { status: number; text: string };
  try {
    res = await fetchText(url, headers);
  } catch (e) {
    throw new TransientError(`GET ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (res.status === 429 || res.status >= 500) throw new TransientError(`GET ${url}: ${res.status}`);
  if (res.status !== 200) throw new ProviderError(`GET ${url}: ${res.status} ${res.text.slice(0, 200)}`, { status: res.status });
  return res.text;
}

/** The policy, parsed once per container and re-read after `ttlMs` (an edited object is picked up). */
export class PolicySource {
  private cached?: { key: string; at: number; policy: Policy };

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  async load(config: FunctionConfig, auth: OciAuth | undefined, fetchText?: FetchText): Promise<Policy> {
    const key = config.policy !== undefined ? `inline:${config.policy}` : `url:${config.policyUrl}`;
    const now = this.clock.now();
    if (this.cached && this.cached.key === key && (config.policy !== undefined || now - this.cached.at < this.ttlMs)) return this.cached.policy;
    const text = config.policy ?? (await fetchObjectText(config.policyUrl!, auth, fetchText));
    const policy = parsePolicy(text, config.policy !== undefined ? 'AUTOSCALER_POLICY' : 'AUTOSCALER_POLICY_URL');
    this.cached = { key, at: now, policy };
    return policy;
  }
}
