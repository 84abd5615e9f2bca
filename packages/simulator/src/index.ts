/** @autoscaler/simulator: replay real traffic against policies through the real orchestrator, on simulated clouds. */
export * from './trace/trace';
export { parseTraceCsv } from './trace/csv';
export { parseMetricExport } from './trace/metric-export';
export { parseTrace, loadTraceFile, scaleToPeak, tracesDir, embeddedTraces, defaultTracePath } from './trace/load-trace';
export * from './model/erlang';
export * from './model/service';
export { Rng, hashSeed } from './model/rng';
export * from './profiles/profile';
export { SimulatedDeployment, type CapacityChange, type SimulatedPod } from './provider/simulated-deployment';
export * from './alarms/source';
export { MetricStore, METRICS, canonicalMetric, type MetricName } from './alarms/metric-store';
export { OciMonitoringAlarms, parseMql, type OciAlarmSpec, type ParsedQuery } from './alarms/oci-monitoring';
export { CloudWatchAlarms, targetTrackingAlarms, type CloudWatchAlarmSpec } from './alarms/cloudwatch';
export { HpaLoop, type HpaLoopOptions } from './alarms/hpa-loop';
export { MetricPoller } from './alarms/metric-poller';
export { durationSeconds } from './alarms/durations';
export { parseSettings, SimulationSettingsSchema, type SimulationSettings, type SourceSettings } from './policy/settings';
export { loadSimulationPolicy, deriveSettings, settingsPathFor, type SimulationPolicy } from './policy/simulation-policy';
export {
  shippedPolicies,
  defaultPolicies,
  withFloorOfOne,
  withReactiveWake,
  scaleToZeroPolicyFile,
  highResolutionPolicyFile,
  policiesDir,
  baselinePolicyFiles,
  bestPolicyFile,
} from './policy/baselines';
export * from './engine/scenario';
export { oracle, cheapestReplicas, type OracleResult } from './engine/oracle';
export { clairvoyant, leadMinutes, oneChangePlan, type ClairvoyantResult } from './engine/clairvoyant';
export { minuteMeets, serveMinute } from './engine/minute';
export { preparePolicy, type PreparedPolicy } from './engine/prepare';
export { runPolicy, type PolicyRun, type PolicySeries, type RunOptions } from './engine/run-policy';
export { runQuantiles, LATENCY_CAP_MS } from './engine/latency';
export { reactMinutes, stepResponse, stepLoad, type StepResponse } from './engine/step-response';
export { quantile, summarizeReaction, type ReactionTimes, type ReactionSummary } from './engine/reaction';
export {
  simulate,
  summarize,
  simulationWarnings,
  forecastWakeComparisons,
  type ForecastWakeComparison,
  SHORT_TRACE_MINUTES,
  type PolicySummary,
  type SimulationResult,
  type SimulateOptions,
} from './engine/simulate';
export { toReport, formatTable, type SimulationReport } from './report/table';
export { renderHtmlReport, winnerOf, winnerSentence, niceTicks } from './report/html';
export { tune, policyWith, type TuneParams, type TuneTrial, type TuneResult, type TuneOptions } from './tune/tune';
export { syntheticScenarios, comparisonScenarios, syntheticScenarioNames, syntheticTrace, type SyntheticScenario } from './trace/synthetic';
export { SimulatedMetricSource } from './alarms/metric-source';
