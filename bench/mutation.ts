/**
 * Mutation testing (StrykerJS, Jest runner) on the modules that guard behaviour: core's engine
 * and orchestrator, and every module that verifies signatures, alarms or managed status.
 * Outside `npm test` (it runs the suites hundreds of times). Run: `npx tsx bench/mutation.ts`
 * (`--only core` for one group, `--concurrency N`). Writes bench/results/mutation.json:
 * `{ score, killed, survived, modules }`, score in percent of the mutants that tests cover.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

interface Group {
  name: string;
  jestConfig: string;
  mutate: string[];
}

const GROUPS: Group[] = [
  {
    name: 'core',
    jestConfig: 'packages/core/jest.config.js',
    mutate: [
      'packages/core/src/engine/*.ts',
      'packages/core/src/orchestrator/*.ts',
      'packages/core/src/forecast/*.ts',
      'packages/core/src/ports/webhook-url.ts',
      'packages/core/src/ports/redact.ts',
      '!packages/core/src/**/*.test.ts',
      '!packages/core/src/**/index.ts',
    ],
  },
  {
    name: 'provider-aws-sagemaker',
    jestConfig: 'packages/provider-aws-sagemaker/jest.config.js',
    mutate: ['packages/provider-aws-sagemaker/src/alarms/sns-signature.ts', 'packages/provider-aws-sagemaker/src/alarms/cloudwatch-source.ts', 'packages/provider-aws-sagemaker/src/state-tags.ts'],
  },
  {
    name: 'provider-oci-data-science',
    jestConfig: 'packages/provider-oci-data-science/jest.config.js',
    mutate: ['packages/provider-oci-data-science/src/alarm-source.ts', 'packages/provider-oci-data-science/src/state-tags.ts'],
  },
  {
    name: 'provider-kubernetes',
    jestConfig: 'packages/provider-kubernetes/jest.config.js',
    mutate: ['packages/provider-kubernetes/src/model/annotations.ts'],
  },
];

interface MutantResult {
  status: string;
  fileName: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

interface ModuleScore {
  score: number;
  killed: number;
  survived: number;
  noCoverage: number;
  survivors: string[];
}

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const concurrency = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : 2;
/** `--mutate <glob>`: narrow the group's modules (a quick check of one file). */
const mutateOverride = args.includes('--mutate') ? args[args.indexOf('--mutate') + 1] : undefined;

async function runGroup(group: Group): Promise<MutantResult[]> {
  const { Stryker } = (await import('@stryker-mutator/core')) as unknown as { Stryker: new (o: Record<string, unknown>) => { runMutationTest(): Promise<MutantResult[]> } };
  const stryker = new Stryker({
    testRunner: 'jest',
    jest: { projectType: 'custom', configFile: group.jestConfig, enableFindRelatedTests: false },
    mutate: mutateOverride ? [mutateOverride] : group.mutate,
    coverageAnalysis: 'perTest',
    concurrency,
    reporters: ['progress'],
    tempDirName: '.stryker-tmp',
    ignorePatterns: ['dist', 'out', '.nx', 'bench/results', 'coverage', '.stryker-tmp', 'reports', 'apps/*/dist'],
    timeoutMS: 20_000,
    disableTypeChecks: true,
    cleanTempDir: 'always',
  });
  return stryker.runMutationTest();
}

async function main(): Promise<void> {
  const modules: Record<string, ModuleScore> = {};
  for (const group of GROUPS.filter((g) => only === undefined || g.name === only)) {
    process.stderr.write(`mutation: ${group.name} (${group.mutate.filter((m) => !m.startsWith('!')).join(', ')})\n`);
    const results = await runGroup(group);
    for (const r of results) {
      const file = relative(root, r.fileName);
      const m = (modules[file] ??= { score: 0, killed: 0, survived: 0, noCoverage: 0, survivors: [] });
      if (r.status === 'Killed' || r.status === 'Timeout') m.killed++;
      else if (r.status === 'Survived') {
        m.survived++;
        m.survivors.push(`${r.location.start.line}:${r.location.start.column} ${r.mutatorName}${r.replacement ? ` -> ${r.replacement.slice(0, 60)}` : ''}`);
      } else if (r.status === 'NoCoverage') m.noCoverage++;
    }
  }
  let killed = 0;
  let survived = 0;
  let noCoverage = 0;
  for (const m of Object.values(modules)) {
    m.score = m.killed + m.survived > 0 ? Math.round((1000 * m.killed) / (m.killed + m.survived)) / 10 : 100;
    killed += m.killed;
    survived += m.survived;
    noCoverage += m.noCoverage;
  }
  const score = killed + survived > 0 ? Math.round((1000 * killed) / (killed + survived)) / 10 : 0;
  const out = { score, killed, survived, noCoverage, aim: 90, measuredAt: new Date().toISOString(), modules };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/mutation.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`mutation score ${score}% (${killed} killed, ${survived} survived, ${noCoverage} not covered)\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
