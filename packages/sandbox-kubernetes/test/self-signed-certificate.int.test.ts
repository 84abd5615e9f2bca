import { X509Certificate, createPrivateKey } from 'node:crypto';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { applySeed } from '../src/seed';
import { kubeConfigFor, kubeconfigYaml } from '../src/kubeconfig';
import { selfSignedCertificate, type TlsCredentials } from '../src';
import { startFakeKubeApi, type FakeKubeApi } from '../src/fake-kube-api';

// The certificate comes from @autoscaler/testing (pure Node, no openssl); kubectl's e2e test uses it too.
describe('the fake apiserver over HTTPS through @kubernetes/client-node', () => {
  let api: FakeKubeApi | undefined;
  let cert: TlsCredentials;
  let other: TlsCredentials;

  beforeAll(async () => {
    cert = selfSignedCertificate();
    other = selfSignedCertificate();
    api = await startFakeKubeApi({ tls: cert });
    applySeed(api, { deployments: [{ namespace: 'ml', name: 'model-server', replicas: 2 }] });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('makes a P-256 certificate for 127.0.0.1 and localhost that signs itself and matches its key', () => {
    const x = new X509Certificate(cert.cert);
    expect(x.subject).toBe('CN=127.0.0.1');
    expect(x.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(cert.key))).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: 'prime256v1' });
    expect(Date.parse(x.validTo)).toBeGreaterThan(Date.now());
    expect(cert.cert).not.toBe(other.cert);
  });

  it('serves https, with the certificate as the CA in kubeConfigFor and in the kubeconfig file', async () => {
    expect(api!.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(api!.ca).toBe(cert.cert);
    const direct = await kubeConfigFor(api!).makeApiClient(AppsV1Api).readNamespacedDeployment({ namespace: 'ml', name: 'model-server' });
    expect(direct.spec?.replicas).toBe(2);
    const fromFile = new KubeConfig();
    fromFile.loadFromString(kubeconfigYaml(api!));
    expect(fromFile.getCurrentCluster()).toMatchObject({ server: api!.url, caData: Buffer.from(cert.cert).toString('base64'), skipTLSVerify: false });
    expect((await fromFile.makeApiClient(AppsV1Api).readNamespacedDeploymentScale({ namespace: 'ml', name: 'model-server' })).spec?.replicas).toBe(2);
  });

  it('is refused by a client that trusts another CA, before any request reaches the fake', async () => {
    api!.log.clear();
    const untrusted = kubeConfigFor({ url: api!.url, token: api!.token, ca: other.cert }).makeApiClient(AppsV1Api);
    await expect(untrusted.readNamespacedDeployment({ namespace: 'ml', name: 'model-server' })).rejects.toThrow(
      /self[- ]signed certificate|unable to verify|certificate/i,
    );
    expect(api!.log.entries).toEqual([]);
  });
});
