import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ValidationError, parsePolicy, zodIssues, type LogLevel, type Policy } from '@autoscaler/core';
import { namedPrometheusQueries, parseAlarmRules, parsePrometheusUrl, parseTiers } from '@autoscaler/provider-kubernetes';
import type { AlarmRule, PrometheusQuery, ResourceTier } from '@autoscaler/provider-kubernetes';

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
  /** Instant queries (metrics for rules and alarms) and range-query templates (metric history for predictive rules). */
  prometheus?: { url: string; queries: PrometheusQuery[]; templates: Record<string, string>; headers?: Record<string, string> };
  /** Seconds from a replica change until new pods serve (the predictive horizon's default); the provider's estimate when unset. */
  provisioningSeconds?: number;
  /** Where the autoscaler's memory of each workload lives: a ConfigMap in its namespace (default with a namespace), or annotations on the workload (needs patch on workloads). */
  state: 'configmap' | 'annotations';
  /** The Job's `activeDeadlineSeconds`: a run ends `deadlineMarginSeconds` before it. */
  jobDeadlineSeconds?: number;
  deadlineMarginSeconds: number;
  logLevel: LogLevel;
}

const Env = z.object({
  AUTOSCALER_NAMESPACES: z.string().default(''),
  AUTOSCALER_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a namespace name')
    .optional(),
  AUTOSCALER_LOOP_SECONDS: z.coerce.number().int().min(0).max(3600).default(0),
  AUTOSCALER_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(600).default(15),
  AUTOSCALER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  AUTOSCALER_HISTORY: z.enum(['configmap', 'memory']).optional(),
  AUTOSCALER_STATE: z.enum(['configmap', 'annotations']).optional(),
  AUTOSCALER_JOB_DEADLINE_SECONDS: z.coerce.number().int().min(5).max(86_400).optional(),
  AUTOSCALER_DEADLINE_MARGIN_SECONDS: z.coerce.number().int().min(0).max(600).default(5),
  AUTOSCALER_DEFAULT_POLICY: z.string().optional(),
  AUTOSCALER_TIERS: z.string().optional(),
  AUTOSCALER_ALARMS: z.string().optional(),
  AUTOSCALER_PROMETHEUS_URL: z.string().optional(),
  AUTOSCALER_PROMETHEUS_QUERIES: z.string().optional(),
  AUTOSCALER_PROMETHEUS_METRICS: z.string().optional(),
  AUTOSCALER_PROMETHEUS_TEMPLATES: z.string().optional(),
  AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE: z.string().optional(),
  AUTOSCALER_PROVISIONING_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
  AUTOSCALER_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

const Queries = z.array(z.strictObject({ metric: z.string().min(1), query: z.string().min(1) })).min(1);
const Templates = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a metric name: letters, digits, "_"'), z.string().min(1));

/** A JSON file named by an env var, checked against `schema`; every problem names the variable. */
function readJson<T>(path: string, variable: string, read: (p: string) => string, schema: z.ZodType<T>): T {
  let doc: unknown;
  try {
    doc = JSON.parse(readFile(path, variable, read));
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw ValidationError.field(variable, 'is not valid JSON');
  }
  const r = schema.safeParse(doc);
  if (!r.success) throw new ValidationError(`invalid ${variable}`, zodIssues(r.error));
  return r.data;
}

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
  const namespaces = e.AUTOSCALER_NAMESPACES.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const cfg: CronJobConfig = {
    namespaces,
    loopSeconds: e.AUTOSCALER_LOOP_SECONDS,
    intervalSeconds: e.AUTOSCALER_INTERVAL_SECONDS,
    concurrency: e.AUTOSCALER_CONCURRENCY,
    history: e.AUTOSCALER_HISTORY ?? (e.AUTOSCALER_NAMESPACE ? 'configmap' : 'memory'),
    state: e.AUTOSCALER_STATE ?? (e.AUTOSCALER_NAMESPACE ? 'configmap' : 'annotations'),
    deadlineMarginSeconds: e.AUTOSCALER_DEADLINE_MARGIN_SECONDS,
    logLevel: e.AUTOSCALER_LOG_LEVEL,
  };
  if (e.AUTOSCALER_JOB_DEADLINE_SECONDS !== undefined) {
    if (e.AUTOSCALER_JOB_DEADLINE_SECONDS <= e.AUTOSCALER_DEADLINE_MARGIN_SECONDS)
      throw ValidationError.field(
        'AUTOSCALER_JOB_DEADLINE_SECONDS',
        `must be more than AUTOSCALER_DEADLINE_MARGIN_SECONDS (${e.AUTOSCALER_DEADLINE_MARGIN_SECONDS})`,
      );
    cfg.jobDeadlineSeconds = e.AUTOSCALER_JOB_DEADLINE_SECONDS;
  }
  if (cfg.state === 'configmap' && !e.AUTOSCALER_NAMESPACE)
    throw ValidationError.field('AUTOSCALER_STATE', "configmap state needs AUTOSCALER_NAMESPACE (the CronJob's namespace)");
  if (e.AUTOSCALER_NAMESPACE) cfg.namespace = e.AUTOSCALER_NAMESPACE;
  if (cfg.history === 'configmap' && !cfg.namespace)
    throw ValidationError.field('AUTOSCALER_HISTORY', "configmap history needs AUTOSCALER_NAMESPACE (the CronJob's namespace)");
  if (e.AUTOSCALER_DEFAULT_POLICY)
    cfg.defaultPolicy = parsePolicy(readFile(e.AUTOSCALER_DEFAULT_POLICY, 'AUTOSCALER_DEFAULT_POLICY', read), e.AUTOSCALER_DEFAULT_POLICY);
  if (e.AUTOSCALER_TIERS) cfg.tiers = parseTiers(readFile(e.AUTOSCALER_TIERS, 'AUTOSCALER_TIERS', read), 'AUTOSCALER_TIERS');
  if (e.AUTOSCALER_ALARMS) cfg.alarms = parseAlarmRules(readFile(e.AUTOSCALER_ALARMS, 'AUTOSCALER_ALARMS', read), 'AUTOSCALER_ALARMS');
  if (e.AUTOSCALER_PROMETHEUS_URL) {
    const url = parsePrometheusUrl(e.AUTOSCALER_PROMETHEUS_URL, 'AUTOSCALER_PROMETHEUS_URL');
    const named = e.AUTOSCALER_PROMETHEUS_METRICS
      ? namedPrometheusQueries(
          e.AUTOSCALER_PROMETHEUS_METRICS.split(',')
            .map((m) => m.trim())
            .filter((m) => m !== ''),
          'AUTOSCALER_PROMETHEUS_METRICS',
        )
      : [];
    const queries = [
      ...named,
      ...(e.AUTOSCALER_PROMETHEUS_QUERIES ? readJson(e.AUTOSCALER_PROMETHEUS_QUERIES, 'AUTOSCALER_PROMETHEUS_QUERIES', read, Queries) : []),
    ];
    const templates = e.AUTOSCALER_PROMETHEUS_TEMPLATES ? readJson(e.AUTOSCALER_PROMETHEUS_TEMPLATES, 'AUTOSCALER_PROMETHEUS_TEMPLATES', read, Templates) : {};
    cfg.prometheus = { url, queries, templates };
    if (e.AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE) {
      // The token itself never appears in a message: only the file's name.
      const token = readFile(e.AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE, 'AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE', read).trim();
      if (!/^[\x21-\x7e]+$/.test(token))
        throw ValidationError.field(
          'AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE',
          `${e.AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE} must hold one token (printable, no spaces)`,
        );
      cfg.prometheus.headers = { authorization: `Bearer ${token}` };
    }
  } else {
    for (const v of [
      'AUTOSCALER_PROMETHEUS_QUERIES',
      'AUTOSCALER_PROMETHEUS_METRICS',
      'AUTOSCALER_PROMETHEUS_TEMPLATES',
      'AUTOSCALER_PROMETHEUS_BEARER_TOKEN_FILE',
    ] as const)
      if (e[v]) throw ValidationError.field(v, 'needs AUTOSCALER_PROMETHEUS_URL');
  }
  if (e.AUTOSCALER_PROVISIONING_SECONDS !== undefined) cfg.provisioningSeconds = e.AUTOSCALER_PROVISIONING_SECONDS;
  return cfg;
}
