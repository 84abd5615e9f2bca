import { ProviderError, TransientError, parsePolicy, redactSecrets, type Clock, type Policy } from '@autoscaler/core';
import { onsNotificationKind, signedHeaders, type OciAuth } from '@autoscaler/provider-oci-data-science';
import { redactPolicyUrl, type FunctionConfig } from './config';

export type FetchText = (url: string, headers: Record<string, string>, options?: { timeoutMs?: number }) => Promise<{ status: number; text: string }>;

const defaultFetch: FetchText = async (url, headers, options = {}) => {
  const res = await fetch(url, { headers, redirect: 'error', signal: AbortSignal.timeout(Math.max(1, options.timeoutMs ?? 5_000)) });
  return { status: res.status, text: await res.text() };
};

/**
 * GET an Object Storage object. A pre-authenticated request (`/p/<token>/...`)
 * needs no signature; any other URL is signed with the function's principal
 * (IAM: `read objects` on the bucket).
 */
export async function fetchObjectText(url: string, auth: OciAuth | undefined, fetchText: FetchText = defaultFetch, timeoutMs = 5_000): Promise<string> {
  // The PAR token is a secret: errors name the URL without it.
  const shown = redactPolicyUrl(url);
  let headers: Record<string, string> = {};
  if (!/\/p\/[^/]+\/n\//.test(new URL(url).pathname)) {
    if (!auth) throw new ProviderError('AUTOSCALER_POLICY_URL is not a pre-authenticated request URL and there are no credentials to sign the GET');
    headers = await signedHeaders(auth, 'GET', url);
  }
  if (timeoutMs < 200) throw new TransientError(`GET ${shown}: not started, too little time left before the deadline`);
  let res: { status: number; text: string };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // Bounded even if an injected fetch ignores the timeout.
    res = await Promise.race([
      fetchText(url, headers, { timeoutMs }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(timeoutMs)} ms`)), timeoutMs);
        timer.unref?.();
      }),
    ]);
  } catch (e) {
    throw new TransientError(`GET ${shown}: ${redactSecrets((e as Error).message ?? String(e)).replace(url, shown)}`);
  } finally {
    if (timer) clearTimeout(timer);
  }
  if (res.status === 429 || res.status >= 500) throw new TransientError(`GET ${shown}: ${res.status}`);
  if (res.status !== 200) throw new ProviderError(`GET ${shown}: ${res.status} ${redactSecrets(res.text.slice(0, 200))}`, { status: res.status });
  return res.text;
}

/** The policy, parsed once per container and re-read after `ttlMs` (an edited object is picked up). */
export class PolicySource {
  private cached?: { key: string; at: number; text: string; policy: Policy };

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = 60_000,
  ) {}

  /** `timeoutMs`: longest the GET may take (the invocation's remaining budget). */
  async load(config: FunctionConfig, auth: OciAuth | undefined, fetchText?: FetchText, timeoutMs = 5_000): Promise<Policy> {
    const key = config.policy !== undefined ? `inline:${config.policy}` : `url:${config.policyUrl}`;
    const now = this.clock.now();
    if (this.cached && this.cached.key === key && (config.policy !== undefined || now - this.cached.at < this.ttlMs)) return this.cached.policy;
    const text = config.policy ?? (await fetchObjectText(config.policyUrl!, auth, fetchText, Math.min(5_000, timeoutMs)));
    // The same text keeps the same policy object: the warm Autoscaler (and its metric-history
    // cache) is kept across invocations while the policy does not change.
    const policy =
      this.cached && this.cached.key === key && this.cached.text === text
        ? this.cached.policy
        : parsePolicy(text, {
            source: config.policy !== undefined ? 'AUTOSCALER_POLICY' : 'AUTOSCALER_POLICY_URL',
            // ONS entries checked by the OCI kind; another cloud's kind is left for buildNotifiers to skip with a warning.
            notificationKinds: [onsNotificationKind],
            otherNotificationTypes: 'allow',
          });
    this.cached = { key, at: now, text, policy };
    return policy;
  }
}
