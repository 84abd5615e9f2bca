import { ValidationError, checkWebhookUrl, redactUrl, webhookUrlProblem } from '../../src/index';

/** A table of host names, whitespace-separated. */
const hosts = (list: string): string[] => list.trim().split(/\s+/);

/**
 * Edges of the webhook URL check found by mutation testing (bench/mutation.ts): each range's
 * first and last address, the addresses just outside it, and names that only look local.
 */
describe('webhook URL ranges, edge by edge', () => {
  const PRIVATE = /must not point at a loopback, private, link-local or metadata address/;
  it.each(
    hosts(`
    0.1.2.3 10.0.0.0 10.255.255.255 10.0.0.255 127.0.0.1 100.64.0.1 100.127.255.255 169.254.169.254 172.16.0.1
    172.31.255.255 192.168.0.1 192.0.0.8 198.18.0.1 198.19.255.255 224.0.0.1 255.255.255.255 [::] [::1]
    [::ffff:7f00:1] [::ffff:808:808] [fc00::1] [fdff::1] [fe80::1] [febf::1] [fd00:ec2::254]
    `),
  )('https://%s/hook is refused as a private address, naming it', (host) => {
    const problem = webhookUrlProblem(`https://${host}/hook`);
    expect(problem).toMatch(PRIVATE);
    expect(problem).toContain(`(${host})`);
    expect(problem).toMatch(/unless the operator allows private networks$/);
  });

  it.each(
    hosts(`
    1.2.3.4 9.255.255.255 11.0.0.1 100.63.255.255 100.128.0.1 99.64.0.1 169.253.0.1 169.255.0.1 168.254.0.1
    172.15.255.255 172.32.0.1 171.16.0.1 192.169.0.1 192.1.0.1 191.168.0.1 193.0.0.1 198.17.0.1 198.20.0.1
    197.18.0.1 223.255.255.255 [2001:db8::1] [fec0::1] [fb00::1] [fe7f::1] [fe00::1] [::2] hooks.example.com
    mylocalhost myinternal nolocal metadata.example.com localhost.example.com instance-data.example.com
    10.0.0.1.example.com [1::ffff:808:808] [::ffff:808:808:1] [2001:fc00::1] [2001:fe80::1]
    `),
  )('https://%s/hook is accepted', (host) => {
    expect(webhookUrlProblem(`https://${host}/hook`)).toBeUndefined();
  });

  it.each(
    hosts(`
    localhost localhost. LocalHost app.localhost svc.internal printer.local metadata metadata.goog
    metadata.google.internal instance-data instance-data.ec2.internal
    `),
  )('https://%s/hook is refused as a local or metadata host', (host) => {
    const problem = webhookUrlProblem(`https://${host}/hook`);
    expect(problem).toBe(`must not point at a local or metadata host (${host.toLowerCase().replace(/\.$/, '')}) unless the operator allows private networks`);
  });

  it.each([
    ['http://hooks.example.com/x', 'must use https (got http)'],
    ['ftp://hooks.example.com/x', 'must use https (got ftp)'],
    ['https://user@hooks.example.com/x', 'must not carry credentials before the host'],
    ['https://:secret@hooks.example.com/x', 'must not carry credentials before the host'],
    ['https://u:p@10.0.0.1/x', 'must not carry credentials before the host'],
    ['hooks.example.com/x', 'must be an absolute https URL'],
  ])('%s -> %s', (url, problem) => {
    expect(webhookUrlProblem(url, { allowPrivateNetworks: true })).toBe(problem);
    expect(webhookUrlProblem(url)).toBe(problem);
  });

  it.each([['https://localhost/x'], ['https://127.0.0.1/x'], ['https://[::1]/x'], ['https://169.254.169.254/x'], ['https://metadata/x']])(
    '%s is accepted when the operator allows private networks, and only then',
    (url) => {
      expect(webhookUrlProblem(url, { allowPrivateNetworks: true })).toBeUndefined();
      expect(webhookUrlProblem(url, { allowPrivateNetworks: false })).toBeDefined();
      expect(webhookUrlProblem(url)).toBeDefined();
    },
  );

  it('checkWebhookUrl throws a ValidationError naming the field, passes the options on, and accepts a good URL', () => {
    expect(() => checkWebhookUrl('https://10.0.0.1/x', 'notifications[2].url')).toThrow(ValidationError);
    expect(() => checkWebhookUrl('https://10.0.0.1/x', 'notifications[2].url')).toThrow(/^invalid notifications\[2\]\.url: must not point at a loopback/);
    expect(() => checkWebhookUrl('https://10.0.0.1/x', 'f', { allowPrivateNetworks: true })).not.toThrow();
    expect(() => checkWebhookUrl('https://hooks.example.com/x', 'f')).not.toThrow();
  });
});

describe('redaction, edge by edge', () => {
  it.each([
    ['https://hooks.example.com', 'https://hooks.example.com'],
    ['HTTPS://Hooks.Example.com/a', 'https://Hooks.Example.com/…'],
    ['wss://u:p@stream.example.com/t?k=1', 'wss://stream.example.com/…'],
    ['http://example.com?token=1', 'http://example.com/…'],
    ['not a url', '(redacted)'],
    ['', ''],
  ])('redactUrl(%j) is %j', (input, expected) => {
    expect(redactUrl(input)).toBe(expected);
    // The regex is global: a second call must give the same answer.
    expect(redactUrl(input)).toBe(expected);
  });
});
