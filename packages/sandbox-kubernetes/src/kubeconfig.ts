import { KubeConfig } from '@kubernetes/client-node';
import { toYaml } from './model/yaml-text';

export interface KubeconfigTarget {
  url: string;
  token: string;
  /** PEM of the server's (self-signed) certificate when it serves HTTPS. */
  ca?: string;
}

const NAME = 'autoscaler-sandbox';

const base64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');

/**
 * How the cluster entry trusts the server: an HTTPS fake's own certificate as the CA; a plain-http
 * fake needs TLS checks off, or client-node refuses the `http:` server (kubectl, for its part,
 * then sends no token at all: client-go applies credentials only over TLS); any other HTTPS server
 * is checked against the system's CAs.
 */
function trust(api: KubeconfigTarget): { caData: string } | { skipTLSVerify: true } | Record<string, never> {
  if (api.url.startsWith('http:')) return { skipTLSVerify: true };
  return api.ca !== undefined ? { caData: base64(api.ca) } : {};
}

/** A `KubeConfig` whose current context talks to the fake with its bearer token. */
export function kubeConfigFor(api: KubeconfigTarget, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: NAME, server: api.url, ...trust(api) }],
    users: [{ name: NAME, token: api.token }],
    contexts: [{ name: NAME, cluster: NAME, user: NAME, namespace }],
    currentContext: NAME,
  });
  return kc;
}

/** The same, as a kubeconfig file (`kubectl --kubeconfig <file> get deploy` works against an HTTPS fake). */
export function kubeconfigYaml(api: KubeconfigTarget, namespace = 'default'): string {
  const t = trust(api);
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: NAME,
        cluster: {
          server: api.url,
          ...('caData' in t ? { 'certificate-authority-data': t.caData } : {}),
          ...('skipTLSVerify' in t ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name: NAME, user: { token: api.token } }],
    contexts: [{ name: NAME, context: { cluster: NAME, user: NAME, namespace } }],
    'current-context': NAME,
    preferences: {},
  });
}
