/** Helpers every benchmark script shares. */
import { buildSync } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join } from 'node:path';

/**
 * A workspace package as it ships: `entry` bundled by esbuild into one CommonJS module under
 * `dir`, loaded, and the directory removed. Pick `dir` so package-relative paths resolve as
 * they do from the package's dist/ (the simulator reads its traces and profiles that way).
 */
export function loadBundled<T>(entry: string, dir: string): T {
  const out = join(dir, 'bundle.cjs');
  mkdirSync(dir, { recursive: true });
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: out, logLevel: 'error' });
  try {
    return createRequire(__filename)(out) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `node -e 0`: spawn to exit, the floor of any fresh process. */
export async function nodeFloor(): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '' } });
  await new Promise((resolve) => child.on('close', resolve));
  return performance.now() - t0;
}

/** The `machine` entry of a benchmark's JSON: node, CPUs, and the load averages (already rounded) before and after the run. */
export function machineInfo(loadAverage: { before: number[]; after: number[] }) {
  return {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    loadAverage: { ...loadAverage, what: '1, 5 and 15 minute load averages before and after the run (2 cores: above 2 means the runs queued for CPU)' },
  };
}
