/** Wire-level fakes of SageMaker, Application Auto Scaling, CloudWatch and SNS, for tests and `autoscaler sandbox aws`. */
export { FakeAws, FAKE_CREDENTIALS, type FakeAwsOptions, type RecordedRequest } from './fake-aws';
export type { FaultSpec, FakeService } from './faults';
export type { FakeEndpointSeed, FakeVariantSeed, EndpointStatus, FakeInferenceComponentSeed, InferenceComponentStatus } from './sagemaker-service';
export type { MetricAlarm, AlarmState, MetricDatum } from './cloudwatch-service';
export type { PublishedMessage } from './sns-service';
export type { FakeCredential } from './sigv4';
export { verifySigV4, signingKey, canonicalQuery, canonicalUri } from './sigv4';
export { createSnsSigningIdentity, signSnsFields, type SnsSigningIdentity, type SnsSignedFields } from './sns-signing';
export { parseSandboxSeed, type SandboxSeed } from './seed';
export { alarmFiringRequest, sageMakerAlarmRequest, variantAlarmRequest } from './alarm-requests';
