import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ValidationError, parsePolicy, zodIssues, type LogLevel, type Policy } from '@autoscaler/core';
import { parseAlarmRules, parseTiers, type AlarmRule, type PrometheusQuery, type ResourceTier } from '@autoscaler/provider-kubernetes';

/** What one CronJob run does, from its environment (set in deploy/cronjob.yaml). */
export interface CronJobConfig {
  /** Watched namespaces; empty = the whole cluster. */
  namespaces: string[];
  /** The CronJob's own namespace: alarm history ConfigMap and central policy ConfigMaps. */
  namespace?: string;
  /** 0 = one pass; otherwise keep passing for this many seconds (sub-minute reaction inside a one-minute schedule). */
  loopSeconds: number;
  intervalSeconds: number;
  concurrency: number;
  history: 'configmap' | 'memory';
  defaultPolicy?: Policy;
  tiers?: ResourceTier[];
  alarms?: AlarmRule[];
  prometheus?: { url: string; queries: PrometheusQuery[] };
  logLevel: LogLevel;
}

const Env = z.object({
  AUTOSCALER_NAMESPACES: z.string().default(''),
  AUTOSCALER_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name').optional(),
  AUTOSCALER_LOOP_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
  AUTOSCALER_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(600).default(15),
  AUTOSCALER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  AUTOSCALER_HISTORY: z.enum(['configmap', 'memory']).optional(),
  AUTOSCALER_DEFAULT_POLICY: z.string().optional(),
  AUTOSCALER_TIERS: z.string().optional(),
  AUTOSCALER_ALARMS: z.string().optional(),
  AUTOSCALER_PROMETHEUS_URL: z.url().optional(),
  AUTOSCALER_PROMETHEUS_QUERIES: z.string().optional(),
  AUTOSCALER_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const Queries = z.array(z.strictObject({ metric: z.string().min(1), query: z.string().min(1) })).min(1);

/** Reads a config file named by an env var; a missing file names the variable. */
function readFile(path: string, variable: string, read: (p: string) => string): string {
  try {
    return read(path);
  } catch (e) {
    throw ValidationError.field(variable, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Parses the environment; every problem names its variable. */
export function loadConfig(env: Record<string, string | undefined>, read: (path: string) => string = (p) => readFileSync(p, 'utf8')): CronJobConfig {
  const r = Env.safeParse(env);
  if (!r.success) throw new ValidationError('invalid environment', zodIssues(r.error));
  const e = r.data;
  const namespaces = e.AUTOSCALER_NAMESPACES.split(',').map((s) => s.trim()).filter(Boolean);
  const cfg: CronJobConfig = {
    namespaces,
    loopSeconds: e.AUTOSCALER_LOOP_SECONDS,
    intervalSeconds: e.AUTOSCALER_INTERVAL_SECONDS,
    concurrency: e.AUTOSCALER_CONCURRENCY,
    history: e.AUTOSCALER_HISTORY ?? (e.AUTOSCALER_NAMESPACE ? 'configmap' : 'memory'),
    logLevel: e.AUTOSCALER_LOG_LEVEL,
  };
  if (e.AUTOSCALER_NAMESPACE) cfg.namespace = e.AUTOSCALER_NAMESPACE;
  if (cfg.history === 'configmap' && !cfg.namespace) throw ValidationError.field('AUTOSCALER_HISTORY', 'configmap history needs AUTOSCALER_NAMESPACE (the CronJob\'s namespace)');
  if (e.AUTOSCALER_DEFAULT_POLICY) cfg.defaultPolicy = parsePolicy(readFile(e.AUTOSCALER_DEFAULT_POLICY, 'AUTOSCALER_DEFAULT_POLICY', read), e.AUTOSCALER_DEFAULT_POLICY);
  if (e.AUTOSCALER_TIERS) cfg.tiers = parseTiers(readFile(e.AUTOSCALER_TIERS, 'AUTOSCALER_TIERS', read), 'AUTOSCALER_TIERS');
  if (e.AUTOSCALER_ALARMS) cfg.alarms = parseAlarmRules(readFile(e.AUTOSCALER_ALARMS, 'AUTOSCALER_ALARMS', read), 'AUTOSCALER_ALARMS');
  if (e.AUTOSCALER_PROMETHEUS_URL) {
    if (!e.AUTOSCALER_PROMETHEUS_QUERIES) throw ValidationError.field('AUTOSCALER_PROMETHEUS_QUERIES', 'is required with AUTOSCALER_PROMETHEUS_URL (a JSON list of { metric, query })');
    let doc: unknown;
    try {
      doc = JSON.parse(readFile(e.AUTOSCALER_PROMETHEUS_QUERIES, 'AUTOSCALER_PROMETHEUS_QUERIES', read));
    } catch (err) {
      if (err instanceof ValidationError) throw err;
      throw ValidationError.field('AUTOSCALER_PROMETHEUS_QUERIES', 'is not valid JSON');
    }
    const q = Queries.safeParse(doc);
    if (!q.success) throw new ValidationError('invalid AUTOSCALER_PROMETHEUS_QUERIES', zodIssues(q.error));
    cfg.prometheus = { url: e.AUTOSCALER_PROMETHEUS_URL, queries: q.data };
  }
  return cfg;
}
