import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** scripts/test-summary.mjs: the one closing line of `npm test` and CI, summed over every Jest summary. */
const script = join(__dirname, '..', '..', '..', 'scripts', 'test-summary.mjs');
const dir = mkdtempSync(join(tmpdir(), 'test-summary-'));

function summarize(log: string): string {
  const file = join(dir, `log-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, log);
  const r = spawnSync(process.execPath, [script, '--from', file], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout.trim();
}

describe('test-summary --from <log>', () => {
  it('sums the Tests: lines of every project, colours and all', () => {
    const log = [
      '> nx run core:test',
      '\x1b[1mTests:       \x1b[22m\x1b[1m\x1b[32m640 passed\x1b[39m\x1b[22m, 640 total',
      'Test Suites: 30 passed, 30 total',
      '> nx run cli:test',
      'Tests:       1 failed, 2 skipped, 110 passed, 113 total',
      'Tests:       3 todo, 4 passed, 7 total',
      'not a summary: Tests: 99 passed',
      '',
      ' NX   Ran targets lint, typecheck, test for 9 projects (4m)',
      '   Failed tasks:',
      '',
      '   - cli:test',
      '   - core:lint',
      '',
      'Hint: run again with --verbose',
    ].join('\n');
    expect(summarize(log)).toBe('3 Jest runs, 3 todo; failed targets: cli:test, core:lint\ntotal: 754 passed, 1 failed, 2 skipped');
  });

  it('a green run says every target passed', () => {
    expect(summarize('Tests:       5 passed, 5 total\n NX   Successfully ran targets lint, typecheck, test for 2 projects\n')).toBe(
      '1 Jest run; every lint, typecheck and test target passed\ntotal: 5 passed, 0 failed, 0 skipped',
    );
  });

  it("the last line is the counts alone, in the form CI reads: '[word: ]N passed, N failed[, N skipped]'", () => {
    const ci = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;
    const out = summarize('Tests:       2 failed, 1 todo, 7 passed, 10 total\n');
    const lines = out.split('\n');
    expect(lines).toHaveLength(2);
    expect(ci.exec(lines[1] ?? '')?.slice(1)).toEqual(['7', '2', '0']);
    expect(ci.test(lines[0] ?? '')).toBe(false);
    expect(lines[0]).toBe('1 Jest run, 1 todo; nx exited 1');
  });
});
