/** @autoscaler/sandbox-oci (private, never shipped): the wire-level OCI fake, an in-process API-key identity and the local sandbox the CLI and the tests use. */
export { OciFake, type OciFakeOptions, type Fault, type RequestRecord } from './oci-fake';
export type { DeploymentSeed } from './fake-data-science';
export type { FakeDataScience } from './fake-data-science';
export type { FakeMonitoring, FireOptions, SummarizeCall, DeploymentSeriesOptions } from './fake-monitoring';
export type { FakeNotifications, FunctionInvoker, Delivery } from './fake-notifications';
export type { FakeObjectStorage } from './fake-object-storage';
export { createTestIdentity, writeOciConfig, fingerprintOf, type TestIdentity } from './test-identity';
export { parseAuthorization, verifyRequest, signingString, SignatureError, type ParsedSignature, type SignedRequest } from './oci-signature';
export { startOciSandbox, type OciSandbox, type OciSandboxOptions, type SandboxSeed } from './sandbox';
