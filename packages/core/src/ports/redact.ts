/**
 * Secrets that reach error texts through URLs and headers: a Slack-style webhook path, an OCI
 * pre-authenticated request (`/p/<token>/`), a presigned query (`X-Amz-Signature=`), a bearer
 * token. Everything that goes to a log, an audit record or a result passes through here.
 */
const URL_RE = /\b(https?|wss?):\/\/([^\s/?#"'<>]+)([^\s"'<>]*)/gi;
const BEARER_RE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;
const KEY_VALUE_RE = /\b(token|access_token|secret|password|signature|sig|key|apikey|api_key|x-amz-signature|x-amz-security-token|authorization)=([^\s&"']+)/gi;

/** `https://hooks.slack.com/services/T0/B0/xyz?x=1` -> `https://hooks.slack.com/…` (host kept, path and query dropped). */
export function redactUrl(url: string): string {
  URL_RE.lastIndex = 0;
  const m = URL_RE.exec(url);
  URL_RE.lastIndex = 0;
  if (!m) return url.length > 0 ? '(redacted)' : url;
  const host = m[2]!.replace(/^[^@]*@/, '');
  return `${m[1]!.toLowerCase()}://${host}${m[3] ? '/…' : ''}`;
}

/** The same text with every URL's path, query and credentials, bearer tokens and `key=value` secrets removed. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_RE, (_all, scheme: string, host: string, rest: string) => `${scheme}://${host.replace(/^[^@]*@/, '')}${rest ? '/…' : ''}`)
    .replace(BEARER_RE, '$1 (redacted)')
    .replace(KEY_VALUE_RE, '$1=(redacted)');
}
