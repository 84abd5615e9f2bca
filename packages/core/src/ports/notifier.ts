import type { AuditRecord, Notifier } from '../types';
import { formatTarget } from '../types';

export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ ok: boolean; status: number }>;

/** One human line for chat tools. */
export function summarize(record: AuditRecord): string {
  const target = record.target ? formatTarget(record.target) : '(no target)';
  const change = record.from && record.to ? ` ${record.from.replicas}${record.from.size ? `x${record.from.size}` : ''} -> ${record.to.replicas}${record.to.size ? `x${record.to.size}` : ''}` : '';
  return `[autoscaler] ${record.outcome}${record.dryRun ? ' (dry run)' : ''} ${target}${change}: ${record.reason}`;
}

/** POSTs the audit record as JSON, or as a Slack-compatible `{ text }` body. */
export class WebhookNotifier implements Notifier {
  readonly name = 'webhook';
  constructor(
    private readonly url: string,
    private readonly format: 'json' | 'slack' = 'json',
    private readonly fetchFn: FetchLike = globalThis.fetch as unknown as FetchLike,
  ) {}

  async notify(record: AuditRecord): Promise<void> {
    const body = this.format === 'slack' ? JSON.stringify({ text: summarize(record) }) : JSON.stringify(record);
    const res = await this.fetchFn(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (!res.ok) throw new Error(`webhook ${this.url} answered ${res.status}`);
  }
}
