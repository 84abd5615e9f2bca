import { spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A contributor's afternoon, automated: copy the repo, run the generator command exactly as
// docs/adding-a-provider.md shows it, and check that what it wrote is formatted, typechecks,
// lints and passes its own tests (both conformance kits, the metric kit, the fake's tests)
// with no edit at all.

const repo = join(__dirname, '..', '..', '..', '..', '..');
const COPIED = ['packages/core', 'packages/testing', 'packages/cli', 'tools/workspace-plugin'];
const ROOT_FILES = [
  'package.json',
  'nx.json',
  'tsconfig.base.json',
  'tsconfig.json',
  'jest.preset.js',
  'eslint.config.mjs',
  '.prettierrc.json',
  '.prettierignore',
];
const GUIDE = 'docs/adding-a-provider.md';

function copyWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'autoscaler-generator-e2e-'));
  for (const f of ROOT_FILES) cpSync(join(repo, f), join(root, f));
  for (const dir of COPIED) {
    cpSync(join(repo, dir), join(root, dir), { recursive: true, filter: (src) => !/[\\/](node_modules|dist|\.nx)([\\/]|$)/.test(src.slice(repo.length)) });
    // Packages with their own nested dependencies (a different major of a shared one) keep them.
    if (existsSync(join(repo, dir, 'node_modules'))) symlinkSync(join(repo, dir, 'node_modules'), join(root, dir, 'node_modules'), 'dir');
  }
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  // The CLI loads every cloud's light line: the other packages are linked, not copied.
  for (const p of readdirSync(join(repo, 'packages')))
    if (!existsSync(join(root, 'packages', p))) symlinkSync(join(repo, 'packages', p), join(root, 'packages', p), 'dir');
  // `autoscaler` on the PATH is this copy's CLI (node_modules/.bin points at the repo's).
  mkdirSync(join(root, '.bin'));
  writeFileSync(join(root, '.bin', 'autoscaler'), `#!/bin/sh\nexec "${process.execPath}" "${join(root, 'packages/cli/bin/autoscaler.cjs')}" "$@"\n`);
  chmodSync(join(root, '.bin', 'autoscaler'), 0o755);
  return root;
}

interface Run {
  status: number | null;
  output: string;
}

const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_INTERACTIVE: 'false', FORCE_COLOR: '0', CI: 'true' };

/** Runs a command in the copy (asynchronously, so the checks can overlap). */
function run(root: string, command: string, args: string[], timeoutMs = 240_000): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...env, PATH: `${join(root, '.bin')}:${join(root, 'node_modules', '.bin')}:${env['PATH'] ?? ''}` },
      timeout: timeoutMs,
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** The generator line of the guide's first `sh` block: what a contributor types. */
function guideCommand(): string {
  const guide = readFileSync(join(repo, GUIDE), 'utf8');
  const line = guide.split('\n').find((l) => l.startsWith('npx nx g @autoscaler/workspace-plugin:provider '));
  if (!line) throw new Error(`${GUIDE} shows no "npx nx g @autoscaler/workspace-plugin:provider ..." line`);
  return line.replace(/\s+#.*$/, '');
}

interface JestReport {
  numFailedTests: number;
  testResults: Array<{ name: string; message: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}

describe('the generator command of docs/adding-a-provider.md, in a copy of the repo', () => {
  let root: string;
  let generated: Run;
  const command = guideCommand();
  const name = /provider\s+([a-z][a-z0-9-]*)/.exec(command)![1]!;
  const title = /--title\s+"([^"]+)"/.exec(command)?.[1] ?? name;

  beforeAll(async () => {
    root = copyWorkspace();
    generated = await run(root, 'bash', ['-euo', 'pipefail', '-c', command]);
  }, 120_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('creates the provider and its sandbox, registers the cloud, and declares both packages for the CLI', () => {
    expect({ status: generated.status, output: generated.output }).toEqual({
      status: 0,
      output: expect.stringContaining(`CREATE packages/provider-${name}/src/provider.ts`),
    });
    for (const f of [`packages/sandbox-${name}/src/fake-api.ts`, `packages/cli/src/clouds/${name}.ts`, `docs/${name}.md`])
      expect(existsSync(join(root, f))).toBe(true);
    expect(readFileSync(join(root, 'packages/cli/src/clouds/index.ts'), 'utf8')).toContain('// <cloud-registry>');
    expect(JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')).dependencies).toMatchObject({
      [`@autoscaler/provider-${name}`]: '0.1.0',
      [`@autoscaler/sandbox-${name}`]: '0.1.0',
    });
  });

  it('the generated code is formatted, typechecks, lints and passes its tests out of the box', async () => {
    const pkgs = [`packages/provider-${name}`, `packages/sandbox-${name}`];
    const cli = `packages/cli/src/clouds/${name}.ts`;
    writeFileSync(
      join(root, 'tsconfig.e2e.json'),
      JSON.stringify({
        extends: './tsconfig.base.json',
        compilerOptions: { noEmit: true, types: ['node', 'jest'] },
        include: pkgs.map((p) => `${p}/src/**/*.ts`),
        files: [cli],
      }),
    );
    const report = join(root, 'jest-report.json');
    // One after the other: on a busy 2-core machine parallel runs only trip each other's timeouts.
    const prettier = await run(root, 'prettier', ['--check', ...pkgs, cli, 'packages/cli/src/clouds/index.ts']);
    const tsc = await run(root, 'tsc', ['-p', 'tsconfig.e2e.json']);
    // The registry itself imports every cloud, most of which this copy leaves out: only the new files are linted.
    const lint = await run(root, 'eslint', ['--max-warnings=0', ...pkgs, cli]);
    const jest = await run(root, 'jest', ['--ci', '--json', `--outputFile=${report}`, '--projects', ...pkgs]);
    expect({ status: prettier.status, output: prettier.status === 0 ? '' : prettier.output }).toEqual({ status: 0, output: '' });
    expect({ status: tsc.status, output: tsc.output.trim() }).toEqual({ status: 0, output: '' });
    expect({ status: lint.status, output: lint.output.trim() }).toEqual({ status: 0, output: '' });
    if (!existsSync(report)) throw new Error(`jest wrote no report:\n${jest.output.slice(-3000)}`);
    const results = (JSON.parse(readFileSync(report, 'utf8')) as JestReport).testResults;
    const assertions = results.flatMap((f) => f.assertionResults);
    const failed = assertions.filter((a) => a.status !== 'passed').map((a) => `${a.fullName}: ${a.failureMessages.join('\n').slice(0, 400)}`);
    const brokenFiles = results.filter((f) => f.assertionResults.length === 0).map((f) => `${f.name}: ${f.message.slice(0, 400)}`);
    expect({ failed, brokenFiles }).toEqual({ failed: [], brokenFiles: [] });
    const passed = (prefix: string) => assertions.filter((a) => a.fullName.startsWith(prefix)).length;
    // Every case of each kit ran and passed (none skipped by a missing capability or lever).
    expect(passed(`provider conformance: ${name}`)).toBeGreaterThanOrEqual(12);
    expect(passed(`alarm source conformance: ${name}`)).toBeGreaterThanOrEqual(6);
    expect(passed(`metric source conformance: ${name}`)).toBeGreaterThanOrEqual(6);
    expect(passed(`${title} wire fake`)).toBeGreaterThanOrEqual(6);
    expect(jest.status).toBe(0);
  }, 900_000);

  it("the generated docs page's sandbox block runs as written (sandbox, status, scale through the CLI stub), as the docs test will run it", async () => {
    const page = readFileSync(join(root, `docs/${name}.md`), 'utf8');
    const block = /```sh\n([\s\S]*?)\n```/.exec(page)?.[1];
    expect(block).toContain(`autoscaler sandbox ${name}`);
    const r = await run(root, 'bash', ['-euo', 'pipefail', '-c', block!]);
    expect({ status: r.status, output: r.output }).toEqual({ status: 0, output: expect.stringContaining('demo-target: 2 x small -> 3 x small (done)') });
    expect(r.output).toContain(`${name}:demo-target: ready, 2 x small, managed true`);
  }, 300_000);
});
