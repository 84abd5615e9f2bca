import type { AuditRecord, CallOptions, Notifier } from '../types';
import { formatTarget } from '../types';
import { redactUrl } from './redact';
import { checkWebhookUrl, type WebhookUrlOptions } from './webhook-url';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal; redirect?: 'error' | 'follow' | 'manual' },
) => Promise<{ ok: boolean; status: number }>;

export interface WebhookNotifierOptions extends WebhookUrlOptions {
  fetch?: FetchLike;
}

/** One human line for chat tools. */
export function summarize(record: AuditRecord): string {
  const target = record.target ? formatTarget(record.target) : '(no target)';
  const change =
    record.from && record.to
      ? ` ${record.from.replicas}${record.from.size ? `x${record.from.size}` : ''} -> ${record.to.replicas}${record.to.size ? `x${record.to.size}` : ''}`
      : '';
  return `[autoscaler] ${record.outcome}${record.dryRun ? ' (dry run)' : ''} ${target}${change}: ${record.reason}`;
}

/**
 * POSTs the audit record as JSON, or as a Slack-compatible `{ text }` body. The URL is checked
 * when the notifier is made (https, no private or metadata address unless the operator allows
 * it), redirects are refused, the call is aborted with the orchestrator's budget, and the URL
 * (whose path often is the secret) never appears in an error.
 */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  private readonly fetchFn: FetchLike;

  constructor(
    private readonly url: string,
    private readonly format: 'json' | 'slack' = 'json',
    options: FetchLike | WebhookNotifierOptions = {},
  ) {
    const o: WebhookNotifierOptions = typeof options === 'function' ? { fetch: options } : options;
    checkWebhookUrl(url, 'notifications.url', o);
    this.fetchFn = o.fetch ?? globalThis.fetch;
    this.name = `webhook ${redactUrl(url)}`;
  }

  async notify(record: AuditRecord, options: CallOptions = {}): Promise<void> {
    const body = this.format === 'slack' ? JSON.stringify({ text: summarize(record) }) : JSON.stringify(record);
    let res: { ok: boolean; status: number };
    try {
      res = await this.fetchFn(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        redirect: 'error',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (e) {
      throw new Error(`webhook ${redactUrl(this.url)} failed: ${(e as Error).name === 'AbortError' ? 'timed out' : 'could not connect'}`);
    }
    if (!res.ok) throw new Error(`webhook ${redactUrl(this.url)} answered ${res.status}`);
  }
}
