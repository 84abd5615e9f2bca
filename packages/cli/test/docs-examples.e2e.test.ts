import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every fenced `sh` block of README.md and docs/*.md that runs the `autoscaler` command is
 * run here, as written, from the repository root with node_modules/.bin on the PATH (what
 * docs/cli.md tells users to do), and must exit 0. A block that needs a running sandbox or a
 * cloud says so with `<!-- not-run: <why> -->` on the line before its fence.
 */
const root = join(__dirname, '..', '..', '..');
const DOCS = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
/** Blocks allowed to be skipped: each needs a sandbox server running, a cloud account, or the user's own files. */
// +1: docs/adding-a-provider.md shows the sandbox block of a cloud the reader has not generated yet (the generated page runs it).
const MAX_NOT_RUN = 14;

interface Block {
  file: string;
  line: number;
  script: string;
  notRun?: string;
}

const RUNS_AUTOSCALER = /^\s*(?:[A-Z_]+=\S*\s+)*(?:npx\s+(?:--no-install\s+)?)?autoscaler(?:\s|$)/m;

function shellBlocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(sh|bash|shell)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed fence`);
    const script = lines.slice(i + 1, end).join('\n');
    const marker = /^<!--\s*not-run:\s*(.*?)\s*-->$/.exec(lines[i - 1] ?? '');
    blocks.push({ file, line: i + 1, script, ...(marker ? { notRun: marker[1]! } : {}) });
    i = end;
  }
  return blocks.filter((b) => RUNS_AUTOSCALER.test(b.script));
}

const blocks = DOCS.flatMap((f) => shellBlocks(f, readFileSync(join(root, f), 'utf8')));
const run = blocks.filter((b) => b.notRun === undefined);
const skipped = blocks.filter((b) => b.notRun !== undefined);

function sh(script: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: root,
    env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 170_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the docs run as written', () => {
  it('finds the blocks, and skips only the few that need a sandbox, a cloud or your own files (each says why)', () => {
    expect(run.length).toBeGreaterThanOrEqual(3);
    expect(skipped.length).toBeLessThanOrEqual(MAX_NOT_RUN);
    for (const b of skipped) expect(b.notRun).toMatch(/\w{3,}/);
  });

  it('a not-run marker only counts right before a fence', () => {
    const text = '<!-- not-run: needs a sandbox -->\n```sh\nautoscaler sandbox aws\n```\n\n```sh\nnpx autoscaler --help\n```\n\n```sh\nnpm test\n```\n';
    expect(shellBlocks('x.md', text)).toEqual([
      { file: 'x.md', line: 2, script: 'autoscaler sandbox aws', notRun: 'needs a sandbox' },
      { file: 'x.md', line: 6, script: 'npx autoscaler --help' },
    ]);
  });

  it.each(run.map((b) => [`${b.file}:${b.line}`, b] as const))(
    '%s exits 0',
    (_where, block) => {
      const r = sh(block.script);
      if (r.status !== 0) throw new Error(`${block.file}:${block.line} exited ${r.status}\n$ ${block.script}\n${r.stderr.slice(-3000)}`);
      expect(r.status).toBe(0);
    },
    180_000,
  );

  it('docs/cli.md shows the decision `decide` really prints for docs/examples', () => {
    const doc = readFileSync(join(root, 'docs', 'cli.md'), 'utf8');
    const shown = /Output \(`--json`\)[\s\S]*?```json\n(.*)\n```/.exec(doc)?.[1];
    expect(shown).toBeDefined();
    const decide = run.find((b) => b.file === 'docs/cli.md' && b.script.includes('autoscaler decide'));
    expect(decide).toBeDefined();
    const r = sh(decide!.script);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(shown!));
  }, 180_000);
});
