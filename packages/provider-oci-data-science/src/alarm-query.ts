import { requireOcid } from './ocid';

/**
 * The small part of Monitoring Query Language (MQL) alarms use here:
 * `Metric[interval]{dim = "value", ...}.fn()...fn() <op> <threshold>`
 * (https://docs.oracle.com/iaas/Content/Monitoring/Reference/mql.htm).
 */
export interface ParsedQuery {
  metric: string;
  interval: string;
  dimensions: Record<string, string>;
  /** Function chain without dots, e.g. ['grouping()', 'mean()']. */
  functions: string[];
  operator?: '>' | '>=' | '<' | '<=' | '==' | '!=';
  threshold?: number;
}

const QUERY = /^\s*([A-Za-z][A-Za-z0-9_]*)\[(\d+[mhd])\]\s*(\{[^}]*\})?\s*((?:\.[a-zA-Z]+\([^)]*\))*)\s*(?:(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?))?\s*$/;
const DIMENSION = /^\s*([A-Za-z][A-Za-z0-9_.-]*)\s*=\s*"([^"]*)"\s*$/;

/** Parse a query; undefined when it is not of the simple form above. */
export function parseQuery(query: string): ParsedQuery | undefined {
  if (typeof query !== 'string' || query.length > 4000) return undefined;
  const m = QUERY.exec(query);
  if (!m) return undefined;
  const dimensions: Record<string, string> = {};
  if (m[3]) {
    const inner = m[3].slice(1, -1).trim();
    if (inner.length > 0) {
      for (const part of inner.split(',')) {
        const d = DIMENSION.exec(part);
        if (!d) return undefined;
        dimensions[d[1]!] = d[2]!;
      }
    }
  }
  const functions = (m[4] ?? '').split('.').filter((f) => f.length > 0);
  const out: ParsedQuery = { metric: m[1]!, interval: m[2]!, dimensions, functions };
  if (m[5] !== undefined) {
    out.operator = m[5] as ParsedQuery['operator'] & string;
    out.threshold = Number(m[6]);
  }
  return out;
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
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(spec.metric)) throw new Error(`metric name ${spec.metric} is not an MQL metric name`);
  if (!Number.isFinite(spec.threshold)) throw new Error('threshold must be a finite number');
  return `${spec.metric}[${spec.interval ?? '1m'}]{resourceId = "${id}"}.grouping().${spec.statistic ?? 'mean'}() ${spec.operator} ${spec.threshold}`;
}
