import { KubeConfig } from '@kubernetes/client-node';
import { toYaml } from '../model/yaml-text';

export interface KubeconfigTarget {
  url: string;
  token: string;
}

const NAME = 'autoscaler-sandbox';

/** A `KubeConfig` whose current context talks to the fake with its bearer token. */
export function kubeConfigFor(api: KubeconfigTarget, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses a plain-http server unless TLS checks are off (there is no TLS on loopback).
    clusters: [{ name: NAME, server: api.url, skipTLSVerify: true }],
    users: [{ name: NAME, token: api.token }],
    contexts: [{ name: NAME, cluster: NAME, user: NAME, namespace }],
    currentContext: NAME,
  });
  return kc;
}

/** The same, as a kubeconfig file (`kubectl --kubeconfig <file> get deploy` works against the fake). */
export function kubeconfigYaml(api: KubeconfigTarget, namespace = 'default'): string {
  return toYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: NAME, cluster: { server: api.url, 'insecure-skip-tls-verify': true } }],
    users: [{ name: NAME, user: { token: api.token } }],
    contexts: [{ name: NAME, context: { cluster: NAME, user: NAME, namespace } }],
    'current-context': NAME,
    preferences: {},
  });
}
