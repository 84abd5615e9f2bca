import { redactSecrets, redactUrl, webhookUrlProblem, WebhookNotifier, type AuditRecord } from '../../src/index';

describe('redaction', () => {
  it.each([
    ['webhook https://hooks.slack.com/services/T000/B000/XXXXSECRET answered 500', 'webhook https://hooks.slack.com/… answered 500'],
    [
      'GET https://objectstorage.us-ashburn-1.oraclecloud.com/p/AbCdSeCrEt/n/ns/b/bucket/o/policy.yaml failed',
      'GET https://objectstorage.us-ashburn-1.oraclecloud.com/… failed',
    ],
    ['https://user:pass@example.com/x?token=abc', 'https://example.com/…'],
    ['Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig', 'Authorization: Bearer (redacted)'],
    ['?X-Amz-Signature=deadbeef&x=1 token=abc123', '?X-Amz-Signature=(redacted)&x=1 token=(redacted)'],
    ['no secret here', 'no secret here'],
    // Edges found by mutation testing (bench/mutation.ts).
    ['see http://a.example.com/x and https://b.example.com/y', 'see http://a.example.com/… and https://b.example.com/…'],
    ['https://host.example.com ok', 'https://host.example.com ok'],
    ['ws://u@h.example.com/', 'ws://h.example.com/…'],
    ['Basic dXNlcjpwYXNzd29yZA== sent', 'Basic (redacted) sent'],
    ['Bearer short', 'Bearer short'],
    ['Bearer   abcdefghij', 'Bearer (redacted)'],
    ['password=hunter2 api_key=abc SIG=zz apikey=q', 'password=(redacted) api_key=(redacted) SIG=(redacted) apikey=(redacted)'],
    ['x-amz-security-token=abc&y=2', 'x-amz-security-token=(redacted)&y=2'],
    ['monkey=banana', 'monkey=banana'],
    ['authorization="abc"', 'authorization="abc"'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('redactUrl keeps the host only', () => {
    expect(redactUrl('https://hooks.slack.com/services/T/B/secret')).toBe('https://hooks.slack.com/…');
    expect(redactUrl('https://example.com')).toBe('https://example.com');
  });
});

describe('webhook URLs', () => {
  it.each([
    ['http://hooks.example.com/x', /must use https/],
    ['file:///etc/passwd', /must use https/],
    ['gopher://example.com/', /must use https/],
    ['data:text/plain,hi', /must use https/],
    ['javascript:alert(1)', /must use https/],
    ['https://169.254.169.254/latest/meta-data', /loopback, private, link-local or metadata/],
    ['https://127.0.0.1:8443/x', /loopback/],
    ['https://2130706433/x', /loopback/],
    ['https://10.1.2.3/x', /private/],
    ['https://192.168.1.1/x', /private/],
    ['https://[::1]/x', /loopback/],
    ['https://[fd00:ec2::254]/x', /metadata/],
    ['https://localhost/x', /local or metadata host/],
    ['https://metadata.google.internal/x', /local or metadata host/],
    ['https://u:p@hooks.example.com/x', /credentials/],
    ['not a url', /absolute https URL/],
  ])('%s is refused', (url, why) => {
    expect(webhookUrlProblem(url)).toMatch(why);
  });

  it('a public https URL is accepted; private ones only when the operator allows them', () => {
    expect(webhookUrlProblem('https://hooks.slack.com/services/T/B/x')).toBeUndefined();
    expect(webhookUrlProblem('https://10.0.0.5/hook', { allowPrivateNetworks: true })).toBeUndefined();
    expect(webhookUrlProblem('http://10.0.0.5/hook', { allowPrivateNetworks: true })).toMatch(/https/);
  });

  it('the notifier refuses a bad URL when made, and its errors never carry the URL path', async () => {
    expect(() => new WebhookNotifier('https://169.254.169.254/x')).toThrow(/notifications.url/);
    const record: AuditRecord = { type: 'audit', outcome: 'scaled', reason: 'r', at: 0, durationMs: 0 };
    const n = new WebhookNotifier('https://hooks.slack.com/services/T0/B0/SECRET', 'slack', async () => ({ ok: false, status: 500 }));
    await expect(n.notify(record)).rejects.toThrow('webhook https://hooks.slack.com/… answered 500');
    const down = new WebhookNotifier('https://hooks.slack.com/services/T0/B0/SECRET', 'json', async () => {
      throw new Error('connect ECONNREFUSED https://hooks.slack.com/services/T0/B0/SECRET');
    });
    await expect(down.notify(record)).rejects.toThrow(/^webhook https:\/\/hooks\.slack\.com\/… failed: could not connect$/);
    expect(n.name).not.toMatch(/SECRET/);
  });
});
