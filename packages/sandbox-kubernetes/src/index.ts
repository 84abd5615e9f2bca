/** Wire-level fakes for tests and `autoscaler sandbox k8s`: an apiserver speaking the real REST paths, a Prometheus, a sample model server. Private: never shipped. */
export { closeFakes, startFakeKubeApi, type FakeKubeApi, type FakeKubeApiOptions, type RequestAttributes } from './fake-kube-api';
export { kubeConfigFor, kubeconfigYaml, type KubeconfigTarget } from './kubeconfig';
export { applySeed, parseSeed, workloadObject, FakeKubeSeedSchema, type FakeKubeSeed, type WorkloadSeed } from './seed';
export { kubeStatus, faultStatus, type KubeStatus, type StatusCause } from './status';
export { mergePatch, jsonPatch, strategicMergePatch, applyPatch, patchTypeOf, type Json, type PatchType } from './patch';
export { humanAge } from './table';
export type { KubeObject, ObjectMeta } from './store';
export type { WorkloadLoad, RolloutMode } from './workloads';
export { startSampleModelServer, type SampleModelServer, type SampleModelServerOptions, type ModelServerStats } from './sample-model-server';
export { serveFake, type ServeOptions, type ServedFake } from './serve';
// A fresh self-signed certificate for 127.0.0.1/localhost (pure Node), shared with the other fakes.
export { selfSignedCertificate, type TlsCredentials } from '@autoscaler/testing';
export { startFakePrometheus, type FakePrometheus, type FakePrometheusOptions, type FakeSeries } from './fake-prometheus';
