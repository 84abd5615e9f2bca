#!/usr/bin/env node
// `npm test`: lint + typecheck + jest for every project through Nx (cached), output streamed as
// it comes, then a closing status line and, last and alone, the counts summed over every project's
// Jest summary, in the form CI reads (`[word: ]N passed, N failed[, N skipped]`), e.g.
//   9 Jest runs; every lint, typecheck and test target passed
//   total: 1140 passed, 0 failed, 12 skipped
// Extra arguments go to nx (`npm test -- -p cli`). CI sums a saved log the same way:
//   node scripts/test-summary.mjs --from <log>
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/** Sums Jest's `Tests:` lines and collects Nx's failed tasks from (a chunk of) output. */
export function createTally() {
  const t = { passed: 0, failed: 0, skipped: 0, todo: 0, runs: 0, failedTasks: new Set() };
  let inFailedList = false;
  t.line = (raw) => {
    const line = raw.replace(ANSI, '');
    const tests = /^\s*Tests:\s+(.*)$/.exec(line);
    if (tests) {
      t.runs++;
      for (const [, n, what] of tests[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) t[what] += Number(n);
      return;
    }
    if (/Failed tasks:/.test(line)) inFailedList = true;
    else if (inFailedList) {
      const task = /^\s*-\s+(\S+)\s*$/.exec(line);
      if (task) t.failedTasks.add(task[1]);
      else if (line.trim() !== '') inFailedList = false;
    }
  };
  /** Two lines: the Jest-run count and the targets' status, then the counts alone (CI's format). */
  t.summary = (exitCode) => {
    let status;
    if (exitCode === 0) status = 'every lint, typecheck and test target passed';
    else if (t.failedTasks.size > 0) status = `failed targets: ${[...t.failedTasks].join(', ')}`;
    else status = `nx exited ${exitCode}`;
    const runs = `${t.runs} Jest run${t.runs === 1 ? '' : 's'}${t.todo ? `, ${t.todo} todo` : ''}`;
    return `${runs}; ${status}\ntotal: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
  };
  return t;
}

function lines(onLine) {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop();
      for (const l of parts) onLine(l);
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

const args = process.argv.slice(2);
if (args[0] === '--from') {
  const tally = createTally();
  for (const l of readFileSync(args[1], 'utf8').split('\n')) tally.line(l);
  // The log's own closing line, recomputed: nx's exit status is whatever the log says it was.
  console.log(tally.summary(tally.failed > 0 || tally.failedTasks.size > 0 ? 1 : 0));
} else {
  const require = createRequire(import.meta.url);
  const nx = require.resolve('nx/bin/nx.js');
  const child = spawn(process.execPath, [nx, 'run-many', '-t', 'lint', 'typecheck', 'test', '--parallel=2', '--outputStyle=static', ...args], {
    stdio: ['inherit', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') },
  });
  const tally = createTally();
  const out = lines(tally.line);
  const err = lines(tally.line);
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    out.push(d.toString());
  });
  child.stderr.on('data', (d) => {
    process.stderr.write(d);
    err.push(d.toString());
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('close', (code, signal) => {
    out.end();
    err.end();
    const exitCode = code ?? (signal ? 1 : 0);
    process.stdout.write(`${tally.summary(exitCode)}\n`);
    process.exitCode = exitCode;
  });
}
