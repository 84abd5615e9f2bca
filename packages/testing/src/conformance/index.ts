export type { AlarmSourceConformanceFixture, ConformanceCase, NotApplicable, ProviderConformanceFixture } from './fixtures';
export { runAlarmSourceConformance, runMetricSourceConformance, runProviderConformance } from './run-conformance';
export { metricSourceConformanceCases, historyProblems, type MetricSourceConformanceFixture } from './metric-source-cases';
export { providerConformanceCases } from './provider-cases';
export { alarmSourceConformanceCases } from './alarm-source-cases';
export { signalProblems, targetStateProblems, isWellFormedSignal, isWellFormedTargetState } from './well-formed';
export { mutate, mutatedPayloads, countNodes, type Mutation } from './payload-mutations';
