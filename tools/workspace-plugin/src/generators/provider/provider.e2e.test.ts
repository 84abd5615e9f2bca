import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A new contributor's afternoon, automated: copy the repo, run the real
// `nx g @autoscaler/workspace-plugin:provider acme`, see the skeleton fail
// clearly, put the in-memory reference behind it, and see typecheck, lint
// and both conformance kits go green.

const repo = join(__dirname, '..', '..', '..', '..', '..');
const COPIED = ['packages/core', 'packages/testing', 'packages/cli', 'tools/workspace-plugin'];
const ROOT_FILES = ['package.json', 'nx.json', 'tsconfig.base.json', 'tsconfig.json', 'jest.preset.js', 'eslint.config.mjs'];

function copyWorkspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'autoscaler-generator-e2e-'));
  for (const f of ROOT_FILES) cpSync(join(repo, f), join(root, f));
  for (const dir of COPIED) {
    cpSync(join(repo, dir), join(root, dir), { recursive: true, filter: (src) => !/[\\/](node_modules|dist|\.nx)([\\/]|$)/.test(src.slice(repo.length)) });
    // Packages with their own nested dependencies (a different major of a shared one) keep them.
    if (existsSync(join(repo, dir, 'node_modules'))) symlinkSync(join(repo, dir, 'node_modules'), join(root, dir, 'node_modules'), 'dir');
  }
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

interface Run {
  status: number | null;
  output: string;
}

function run(root: string, cwd: string, bin: string, args: string[]): Run {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', bin), ...args], {
    cwd: join(root, cwd),
    encoding: 'utf8',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_INTERACTIVE: 'false', FORCE_COLOR: '0', CI: 'true' },
    timeout: 90_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

interface JestReport {
  numFailedTests: number;
  numPassedTests: number;
  testResults: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}

function jest(root: string, report: string): JestReport {
  const r = run(root, 'packages/provider-acme', 'jest/bin/jest.js', ['--ci', '--json', `--outputFile=${join(root, report)}`]);
  if (!existsSync(join(root, report))) throw new Error(`jest wrote no report:\n${r.output}`);
  return JSON.parse(readFileSync(join(root, report), 'utf8')) as JestReport;
}

const assertions = (r: JestReport) => r.testResults.flatMap((f) => f.assertionResults);

/** What a contributor writes: here, the in-memory reference standing in for a real API client. */
const IMPLEMENTATION: Record<string, string> = {
  'src/provider.ts': `import { MemoryProvider, type Clock, type MemoryTargetSeed } from '@autoscaler/core';

export interface AcmeProviderOptions {
  seeds: readonly MemoryTargetSeed[];
  clock: Clock;
  updateDelayMs: number;
}

/** Acme, backed by the in-memory reference provider. */
export class AcmeProvider extends MemoryProvider {
  constructor(options: AcmeProviderOptions) {
    super(options.seeds, { name: 'acme', clock: options.clock, updateDelayMs: options.updateDelayMs });
  }
}
`,
  'src/alarm-source.ts': `import { MemoryAlarmSource } from '@autoscaler/core';

/** Acme alarms are plain signal JSON. */
export class AcmeAlarmSource extends MemoryAlarmSource {
  constructor() {
    super('acme');
  }
}
`,
  'src/testing/conformance-fixture.ts': `import { ManualClock } from '@autoscaler/core';
import type { ProviderConformanceFixture } from '@autoscaler/testing';
import { AcmeProvider } from '../provider';

const UPDATE_MS = 60_000;

export async function acmeConformanceFixture(): Promise<ProviderConformanceFixture> {
  const clock = new ManualClock();
  const ladder = ['small', 'medium', 'large'];
  const provider = new AcmeProvider({
    clock,
    updateDelayMs: UPDATE_MS,
    seeds: [
      { id: 'ready-target', capacity: { replicas: 2, size: 'small' }, ladder },
      { id: 'updating-target', capacity: { replicas: 1, size: 'medium' }, ladder, status: 'updating' },
    ],
  });
  const ref = (id: string) => ({ provider: provider.name, id });
  return {
    provider,
    ready: ref('ready-target'),
    updating: ref('updating-target'),
    missing: ref('missing-target'),
    invalidIds: ['', 'Has Spaces', '../escape', 'x'.repeat(300)],
    tamper: async (r) => provider.tamper(r.id, {}),
    settle: async () => clock.advance(UPDATE_MS),
    close: async () => undefined,
  };
}
`,
  'test/fixtures/alarm.json': `${JSON.stringify({ target: { provider: 'acme', id: 'ready-target' }, metric: 'CpuUtilization', alarm: 'acme-high-cpu', state: 'firing', value: 91.2, threshold: 80, at: '2026-01-15T09:30:00Z', dedupeKey: 'alarm-1:2026-01-15T09:30:00Z' }, null, 2)}\n`,
};

describe('nx g @autoscaler/workspace-plugin:provider, end to end in a copy of the repo', () => {
  let root: string;
  let generated: Run;

  beforeAll(() => {
    root = copyWorkspace();
    generated = run(root, '.', 'nx/dist/bin/nx.js', ['g', '@autoscaler/workspace-plugin:provider', 'acme', '--no-interactive']);
  }, 120_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('generates the package, docs page, tsconfig path and CLI registration', () => {
    expect({ status: generated.status, output: generated.output }).toEqual({
      status: 0,
      output: expect.stringContaining('CREATE packages/provider-acme/src/provider.ts'),
    });
    for (const f of [
      'packages/provider-acme/project.json',
      'packages/provider-acme/src/testing/fake-server.ts',
      'docs/acme.md',
      'packages/cli/src/clouds/acme.ts',
    ])
      expect(existsSync(join(root, f))).toBe(true);
    expect(readFileSync(join(root, 'packages/cli/src/clouds/index.ts'), 'utf8')).toMatch(
      /import \{ acmeCloud \} from '\.\/acme';[\s\S]*acmeCloud,\n\s*\/\/ <cloud-registry>/,
    );
    expect(JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')).compilerOptions.paths['@autoscaler/provider-acme']).toEqual([
      'packages/provider-acme/src/index.ts',
    ]);
  });

  it('refuses a bad name through nx with the schema pattern in the message', () => {
    const bad = run(root, '.', 'nx/dist/bin/nx.js', ['g', '@autoscaler/workspace-plugin:provider', 'Acme_Cloud', '--no-interactive', '--dry-run']);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain("'Acme_Cloud' should match the pattern");
  }, 60_000);

  it('the skeleton fails its conformance test clearly with "not implemented: describe", while its fake already works', () => {
    const report = jest(root, 'skeleton.json');
    const results = assertions(report);
    const describeCase = results.find((a) => a.fullName === 'provider conformance: acme describe returns a well-formed TargetState for the ready target');
    expect(describeCase?.status).toBe('failed');
    expect(describeCase?.failureMessages.join('\n')).toContain('not implemented: describe');
    expect(results.filter((a) => a.fullName.startsWith('Acme wire fake')).map((a) => a.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(report.numFailedTests).toBeGreaterThan(10);
  }, 120_000);

  it('the skeleton and, with the in-memory reference behind it, the package typecheck and lint, and both conformance kits pass', () => {
    const pkg = join(root, 'packages/provider-acme');
    // Keep the generated skeleton (with the fake it imports) beside the implementation, so one tsc and one eslint run check both.
    for (const f of ['provider.ts', 'alarm-source.ts', 'testing/conformance-fixture.ts', 'testing/fake-server.ts'])
      cpSync(join(pkg, 'src', f), join(pkg, 'src/skeleton', f));
    for (const [file, text] of Object.entries(IMPLEMENTATION)) writeFileSync(join(pkg, file), text);
    writeFileSync(
      join(root, 'tsconfig.e2e.json'),
      JSON.stringify({
        extends: './tsconfig.base.json',
        compilerOptions: { noEmit: true, types: ['node', 'jest'] },
        include: ['packages/provider-acme/src/**/*.ts'],
        files: ['packages/cli/src/clouds/acme.ts'],
      }),
    );
    const tsc = run(root, '.', 'typescript/bin/tsc', ['-p', 'tsconfig.e2e.json']);
    expect({ status: tsc.status, output: tsc.output.trim() }).toEqual({ status: 0, output: '' });
    const lint = run(root, '.', 'eslint/bin/eslint.js', ['--max-warnings=0', 'packages/provider-acme', 'packages/cli/src/clouds/acme.ts']);
    expect({ status: lint.status, output: lint.output.trim() }).toEqual({ status: 0, output: '' });

    const report = jest(root, 'implemented.json');
    const failed = assertions(report).filter((a) => a.status !== 'passed');
    expect(failed.map((a) => `${a.fullName}: ${a.failureMessages.join('\n').slice(0, 400)}`)).toEqual([]);
    const passed = assertions(report).map((a) => a.fullName);
    expect(passed.filter((n) => n.startsWith('provider conformance: acme')).length).toBeGreaterThanOrEqual(12);
    expect(passed.filter((n) => n.startsWith('alarm source conformance: acme')).length).toBeGreaterThanOrEqual(6);
  }, 180_000);
});
