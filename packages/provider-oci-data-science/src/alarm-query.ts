import { parseMql, thresholdQuery, type MqlQuery } from '@autoscaler/cloud-semantics';
import { requireOcid } from './ocid';

/**
 * Alarm queries are Monitoring Query Language (MQL); the parser, writer and their semantics
 * live once in @autoscaler/cloud-semantics (oci-mql), shared with the simulator.
 */
export type ParsedQuery = MqlQuery;

/** Parse a query; undefined when it is not of the simple form alarms use (see parseMql). */
export function parseQuery(query: string): ParsedQuery | undefined {
  return parseMql(query);
}

export interface AlarmQuerySpec {
  metric: string;
  resourceId: string;
  operator: '>' | '<';
  threshold: number;
  interval?: string;
  statistic?: 'mean' | 'max' | 'min' | 'count';
}

/**
 * Build an alarm query for one model deployment. The id is checked against the
 * full OCID pattern first: nothing else can reach the query text.
 */
export function buildAlarmQuery(spec: AlarmQuerySpec): string {
  const id = requireOcid('datasciencemodeldeployment', spec.resourceId, 'target.id');
  return thresholdQuery({ ...spec, resourceId: id });
}
