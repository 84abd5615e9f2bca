import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { CertificateHttpError, type CertificateFetcher } from '@autoscaler/provider-aws-sagemaker';

/**
 * GET a signing certificate with node:http(s) rather than global fetch: the first fetch() in a
 * process loads Node 20's bundled undici (and its llhttp wasm), ~40-60 ms of a cold start here,
 * for one small GET. Same contract as the provider's `httpsCertificateFetcher`: a time limit,
 * no redirects followed, anything but 2xx is an error.
 */
export function getText(url: string, timeoutMs = 3000, what = `GET ${url}`): Promise<string> {
  return new Promise((resolve, reject) => {
    const onResponse = (res: IncomingMessage): void => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 299) {
        res.resume();
        reject(new CertificateHttpError(status, `${what} answered ${status}`));
        return;
      }
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    };
    const options = { signal: AbortSignal.timeout(timeoutMs) };
    const req = url.startsWith('https:') ? httpsGet(url, options, onResponse) : httpGet(url, options, onResponse);
    req.on('error', reject);
  });
}

/** Production: certificates from `https://sns.<region>.amazonaws.com/...` (vetted by the verifier first). */
export function httpsCertificateGetter(timeoutMs = 3000): CertificateFetcher {
  return (url) => getText(url, timeoutMs);
}

/** Sandbox: fetch `https://sns.<region>.amazonaws.com/<path>` from a local base URL (the vetting still ran on the real-looking URL). */
export function rebasedCertificateGetter(base: string, timeoutMs = 3000): CertificateFetcher {
  return (url) => getText(new URL(new URL(url).pathname, base).toString(), timeoutMs, `GET ${url} (via ${base})`);
}
