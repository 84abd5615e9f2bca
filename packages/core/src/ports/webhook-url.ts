import { ValidationError } from '../errors';

/** What an operator may allow in the app's own configuration (never a policy's). */
export interface WebhookUrlOptions {
  /** Loopback, private, link-local and metadata addresses (default: refused). */
  allowPrivateNetworks?: boolean;
}

const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? parts : undefined;
}

function privateIpv4([a, b]: number[]): boolean {
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b! >= 64 && b! <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b! >= 16 && b! <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19)) ||
    a! >= 224
  );
}

function privateIpv6(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === '::' || h === '::1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return privateIpv4(ipv4(mapped[1]!)!);
  if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(h)) return true; // IPv4-mapped in hex form: refuse rather than decode
  return /^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h) || h.startsWith('fd00:ec2::');
}

/**
 * Why `url` may not receive notifications, or undefined when it may: https only, no
 * credentials in the URL, and no loopback, private, link-local or metadata address unless
 * the operator allowed private networks. (Names are checked as written; a public name that
 * resolves to a private address is the operator's DNS to guard.)
 */
export function webhookUrlProblem(url: string, options: WebhookUrlOptions = {}): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'must be an absolute https URL';
  }
  if (u.protocol !== 'https:') return `must use https (got ${u.protocol.replace(/:$/, '')})`;
  if (u.username || u.password) return 'must not carry credentials before the host';
  if (options.allowPrivateNetworks) return undefined;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local') || METADATA_HOSTS.has(host)) {
    return `must not point at a local or metadata host (${host}) unless the operator allows private networks`;
  }
  const v4 = ipv4(host);
  if ((v4 && privateIpv4(v4)) || (host.startsWith('[') && privateIpv6(host))) {
    return `must not point at a loopback, private, link-local or metadata address (${host}) unless the operator allows private networks`;
  }
  return undefined;
}

/** Throws a ValidationError naming `field` when the URL is refused. */
export function checkWebhookUrl(url: string, field: string, options: WebhookUrlOptions = {}): void {
  const problem = webhookUrlProblem(url, options);
  if (problem !== undefined) throw ValidationError.field(field, problem);
}
