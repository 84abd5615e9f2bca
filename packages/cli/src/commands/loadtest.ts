import { appendFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { ValidationError } from '@autoscaler/core';
import type { LoadRow } from '@autoscaler/provider-kubernetes';
import { type CliIO, processIO } from '../io';
import { readText } from '../read-input';
import { parseDurationFlag } from './duration-flag';
import { kubernetesProvider } from './monitor';
import { RESIGN_MS, isLoopback, signedTarget, type SignedTarget, type SignedTargetChoice } from './signed-requests';
import { textOf } from '@autoscaler/core';

/** The slice of autocannon 9's API this command uses (the package ships no types). */
interface AutocannonResult {
  errors: number;
  timeouts: number;
  duration: number;
}
interface AutocannonInstance {
  on(event: 'response', fn: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
  on(event: 'reqError', fn: (error: NodeJS.ErrnoException) => void): void;
  stop(): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

/** Loaded on first use (a quarter of a second): `autoscaler --help` should not pay for it. */
const autocannon = (): Autocannon => createRequire(__filename)('autocannon') as Autocannon;

/** One stage of a load schedule: this many connections, each pacing one request per `pauseMs` (0 = as fast as answered). */
export interface LoadStage {
  concurrency: number;
  pauseMs: number;
  /** This stage's length when it differs from --stage-seconds (the last, shorter stage of a --duration run). */
  ms?: number;
}

export interface LoadtestFlags extends SignedTargetChoice {
  url?: string;
  schedule?: string;
  concurrency?: string;
  duration?: string;
  stageSeconds?: string;
  method?: string;
  body?: string;
  header?: string[];
  out?: string;
  allowRemote?: boolean;
  json?: boolean;
}

export interface LoadtestResult {
  out: string;
  stages: LoadRow[];
}

/** Four hours: a load test is bounded in time. */
const MAX_TOTAL_MS = 4 * 3_600_000;

/** Only loopback, unless the user says the URL is theirs to load (`--allow-remote`). */
export function checkTargetUrl(raw: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ValidationError.field('--url', `"${raw}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw ValidationError.field('--url', `must be http(s), got ${url.protocol}`);
  if (!isLoopback(url) && !allowRemote) throw ValidationError.field('--url', `${url.host} is not loopback; pass --allow-remote to load a server you run`);
  return url;
}

/** `concurrency[,pause_ms[,stages]]` per line (header required; `stages` repeats a row). */
export function parseSchedule(text: string, file: string): LoadStage[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#'));
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  if (!header.includes('concurrency')) throw ValidationError.field(`${file} header`, 'needs a concurrency column (optional: pause_ms, stages)');
  const stages: LoadStage[] = [];
  lines.slice(1).forEach((line, i) => {
    const cells = line.split(',').map((c) => c.trim());
    const get = (col: string, dflt: number): number => {
      const idx = header.indexOf(col);
      const raw = idx < 0 ? '' : (cells[idx] ?? '');
      if (raw === '') return dflt;
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw ValidationError.field(`${file} line ${i + 2} column ${col}`, `"${raw}" is not a number >= 0`);
      return n;
    };
    const concurrency = get('concurrency', NaN);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)
      throw ValidationError.field(`${file} line ${i + 2} column concurrency`, 'must be a whole number from 1 to 10000');
    const pauseMs = get('pause_ms', 0);
    const repeat = get('stages', 1);
    if (!Number.isInteger(repeat) || repeat < 1 || repeat > 1440)
      throw ValidationError.field(`${file} line ${i + 2} column stages`, 'must be a whole number from 1 to 1440');
    for (let k = 0; k < repeat; k++) stages.push({ concurrency, pauseMs });
  });
  if (stages.length === 0) throw ValidationError.field(file, 'has no stage');
  return stages;
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Connection errors that mean nothing serves the URL: the run stops at once instead of hammering a closed port. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

function unreachable(url: URL, code: string): ValidationError {
  const what = code === 'ECONNREFUSED' ? 'connection refused: nothing listens there (is the model server running?)' : `cannot reach the host (${code})`;
  return ValidationError.field('--url', `${url.host}: ${what}`);
}

/** One TCP connect before the first stage, so a wrong port fails in milliseconds with the reason. */
export function checkReachable(url: URL, timeoutMs = 5000): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(ValidationError.field('--url', `${url.host}: no answer to a TCP connect within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.end();
      resolve();
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(UNREACHABLE.has(e.code ?? '') ? unreachable(url, e.code!) : ValidationError.field('--url', `${url.host}: ${e.message}`));
    });
  });
}

/** One stage with autocannon; per-response timings give the p95 (autocannon's own histogram stops at p90/p97.5). */
function runStage(
  url: URL,
  stage: LoadStage,
  seconds: number,
  index: number,
  startSeconds: number,
  request: { method: string; body?: string; headers: Record<string, string>; signer?: SignedTarget },
): Promise<LoadRow> {
  const { signer } = request;
  return new Promise((resolve, reject) => {
    // A signed run renews its signature every minute; each request carries the newest one.
    let resign: NodeJS.Timeout | undefined;
    let signFailure: unknown;
    if (signer) {
      resign = setInterval(() => {
        signer.refresh().catch((e: unknown) => {
          signFailure = e;
          instance.stop();
        });
      }, RESIGN_MS);
      resign.unref();
    }
    const times: number[] = [];
    let bytes = 0;
    let ok = 0;
    let failedResponses = 0;
    let refused: ValidationError | undefined;
    const instance = autocannon()(
      {
        url: url.toString(),
        connections: stage.concurrency,
        duration: seconds,
        timeout: 10,
        // autocannon checks its stop flag once per sample interval: 100 ms keeps short stages and a stop() prompt.
        sampleInt: 100,
        method: request.method,
        headers: request.headers,
        ...(request.body !== undefined ? { body: request.body } : {}),
        ...(signer
          ? { requests: [{ setupRequest: (req: { headers: Record<string, string> }) => ({ ...req, headers: { ...req.headers, ...signer.headers() } }) }] }
          : {}),
        ...(stage.pauseMs > 0 ? { connectionRate: 1000 / stage.pauseMs } : {}),
      },
      (err, result) => {
        if (resign) clearInterval(resign);
        if (signFailure) {
          reject(signFailure instanceof Error ? signFailure : new Error(textOf(signFailure)));
          return;
        }
        if (err) {
          reject(err);
          return;
        }
        if (refused) {
          reject(refused);
          return;
        }
        const elapsed = Math.max(result.duration, 1e-3);
        const failures = failedResponses + result.errors;
        times.sort((a, b) => a - b);
        resolve({
          minute: index,
          startSeconds,
          durationSeconds: elapsed,
          transactions: ok,
          availabilityPct: ok + failures === 0 ? 0 : (ok / (ok + failures)) * 100,
          meanResponseMs: times.length === 0 ? 0 : times.reduce((a, b) => a + b, 0) / times.length,
          p95ResponseMs: percentile(times, 0.95),
          transactionRate: ok / elapsed,
          throughputKBps: bytes / 1024 / elapsed,
          // siege's concurrency: time spent in transactions over wall time.
          concurrency: times.reduce((a, b) => a + b, 0) / (elapsed * 1000),
          failures,
        });
      },
    );
    instance.on('reqError', (e) => {
      // The server went away mid-run: stop now rather than retry for the rest of the stage.
      if (!refused && UNREACHABLE.has(e.code ?? '')) {
        refused = unreachable(url, e.code!);
        instance.stop();
      }
    });
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      times.push(responseTime);
      bytes += resBytes;
      if (statusCode >= 200 && statusCode < 400) ok++;
      else failedResponses++;
    });
  });
}

/** Runs the stages one after another and writes one CSV row per stage. */
export async function runLoadtest(flags: LoadtestFlags, io: CliIO): Promise<LoadtestResult> {
  const contentType = (flags.header ?? []).map((h) => /^\s*content-type\s*:(.*)$/i.exec(h)?.[1]?.trim()).find((v) => v) ?? 'application/json';
  // The real thing (SageMaker, OCI) only at its own hosts, signed; anything else is loopback unless --allow-remote.
  const signer = await signedTarget({ ...flags, body: flags.body ?? '{}', contentType });
  if (signer && flags.method !== undefined && flags.method.toUpperCase() !== 'POST') throw ValidationError.field('--method', `${signer.label} takes POST`);
  const url = signer ? signer.url : checkTargetUrl(flags.url!, Boolean(flags.allowRemote));
  const stageMs = parseDurationFlag(flags.stageSeconds ?? '60', '--stage-seconds', { minMs: 500, maxMs: 3_600_000 });
  let stages: LoadStage[];
  if (flags.schedule) {
    if (flags.concurrency !== undefined) throw ValidationError.field('--concurrency', 'give --schedule or --concurrency, not both');
    stages = parseSchedule(readText(flags.schedule, '--schedule'), flags.schedule);
  } else {
    const concurrency = Number(flags.concurrency ?? '10');
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 10_000)
      throw ValidationError.field('--concurrency', 'must be a whole number from 1 to 10000');
    const durationMs = parseDurationFlag(flags.duration ?? '60s', '--duration', { minMs: 500, maxMs: MAX_TOTAL_MS });
    // Whole stages of --stage-seconds, then what is left: 3s runs 3 s, 150s runs 60 + 60 + 30.
    const whole = Math.floor(durationMs / stageMs);
    const rest = durationMs - whole * stageMs;
    stages = Array.from({ length: whole }, (): LoadStage => ({ concurrency, pauseMs: 0 }));
    if (rest >= 500 || (whole === 0 && rest > 0)) stages.push({ concurrency, pauseMs: 0, ms: rest });
    else if (rest > 0) stages[whole - 1]!.ms = stageMs + rest;
  }
  const totalMs = stages.reduce((a, st) => a + (st.ms ?? stageMs), 0);
  if (totalMs > MAX_TOTAL_MS)
    throw ValidationError.field(flags.schedule ? '--schedule' : '--duration', `the run would take ${(totalMs / 3_600_000).toFixed(1)} h; the limit is 4 h`);
  const headers: Record<string, string> = {};
  for (const h of flags.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw ValidationError.field('--header', `"${h}" is not "Name: value"`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const method = signer ? 'POST' : (flags.method ?? (flags.body !== undefined ? 'POST' : 'GET')).toUpperCase();
  const body = signer ? (flags.body ?? '{}') : flags.body;
  // Signed headers carry the content type (it is signed); the others get it here.
  for (const k of Object.keys(headers)) if (signer && k.toLowerCase() === 'content-type') delete headers[k];
  if (!signer && body !== undefined && headers['content-type'] === undefined && headers['Content-Type'] === undefined)
    headers['content-type'] = 'application/json';
  const out = flags.out ?? 'load.csv';
  await checkReachable(url);
  if (signer) io.err(`loading ${signer.label} with signed requests`);
  const { formatLoadRow, loadHeader } = await kubernetesProvider();
  writeFileSync(out, `${loadHeader()}\n`);
  const rows: LoadRow[] = [];
  let elapsed = 0;
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i]!;
    await signer?.refresh();
    const row = await runStage(url, s, (s.ms ?? stageMs) / 1000, i, elapsed, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(signer ? { signer } : {}),
    });
    rows.push(row);
    appendFileSync(out, `${formatLoadRow(row)}\n`);
    elapsed += row.durationSeconds;
    io.err(
      `stage ${i + 1}/${stages.length}: ${s.concurrency} connections${s.pauseMs ? `, ${s.pauseMs} ms pacing` : ''}: ${row.transactions} transactions, ${row.transactionRate.toFixed(1)}/s, p95 ${row.p95ResponseMs.toFixed(1)} ms, availability ${row.availabilityPct.toFixed(2)}%`,
    );
  }
  return { out, stages: rows };
}

/** The flags that set the stages, shared by `loadtest` and `recipe run` (which runs a loadtest). */
export function loadStageOptions(command: Command): Command {
  return command
    .option('--schedule <csv>', 'stages: CSV with columns concurrency, pause_ms (per-connection pacing), stages (repeat count)')
    .option('--concurrency <n>', 'connections for a fixed-concurrency run (default 10)')
    .option('--duration <duration>', 'length of a fixed-concurrency run (3s, 60s, 30m): whole stages, then a shorter last one', '60s')
    .option('--stage-seconds <duration>', 'length of one stage / CSV row (default 60s: one row per minute)', '60');
}

export function registerLoadtestCommand(program: Command, io: CliIO = processIO): void {
  loadStageOptions(
    program
      .command('loadtest')
      .description(
        'Load a model server with autocannon, in stages (a schedule of concurrency and pacing, or a fixed concurrency), writing one CSV row per stage',
      )
      .option('--url <url>', 'endpoint to load (loopback unless --allow-remote)')
      .option(
        '--sagemaker-endpoint <name>',
        'load a SageMaker endpoint: SigV4-signed InvokeEndpoint to runtime.sagemaker.<region>.amazonaws.com, credentials from the default chain',
      )
      .option('--region <region>', 'AWS region of --sagemaker-endpoint (default AWS_REGION)')
      .option(
        '--oci-deployment-url <url>',
        'load an OCI model deployment: https://modeldeployment.<region>.oci.customer-oci.com/<ocid>/predict, signed with your OCI config',
      )
      .option('--oci-config <file>', 'OCI config file for --oci-deployment-url (default ~/.oci/config)')
      .option('--oci-profile <name>', 'profile in the OCI config (default DEFAULT)')
      .option('--endpoint-url <url>', 'tests only: send the signed requests to this loopback URL (a local fake that checks signatures)'),
  )
    .option('--method <method>', 'HTTP method (default GET, or POST with --body)')
    .option('--body <text>', 'request body (JSON by default; {} for a signed run)')
    .option('--header <header...>', 'extra request headers, "Name: value"')
    .option('--out <file>', 'CSV to write (transactions, availability, mean/p95 response ms, rate, throughput, concurrency, failures)', 'load.csv')
    .option('--allow-remote', 'the URL is a server you run and may load (required for non-loopback hosts)')
    .option('--json', 'print the stages as JSON at the end')
    .action(async (o: LoadtestFlags) => {
      const r = await runLoadtest(o, io);
      io.out(o.json ? JSON.stringify(r, null, 2) : `wrote ${r.stages.length} stages to ${r.out}`);
    });
}
