/**
 * Mutation testing (StrykerJS, Jest runner) on the modules that guard behaviour: core's engine
 * and orchestrator, and every module that verifies signatures, alarms or managed status.
 * Outside `npm test` (it runs the suites hundreds of times). Run: `npx tsx bench/mutation.ts`
 * (`--only core` for one group, `--concurrency N`, `--out <file>` for a trial). Writes bench/results/mutation.json:
 * `{ score, killed, survived, modules }`, score in percent of the mutants that tests cover.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

interface Group {
  name: string;
  jestConfig: string;
  /** Modules to mutate (globs from the repo root). */
  mutate: string[];
  /** Jest `testMatch` (relative to the package's rootDir): only the suites that guard these modules,
   * so a red suite elsewhere cannot fail the dry run, and each mutant runs seconds, not minutes. */
  tests: string[];
}

const CORE = 'packages/core/jest.config.js';
const AWS = 'packages/provider-aws-sagemaker/jest.config.js';
const OCI = 'packages/provider-oci-data-science/jest.config.js';
const K8S = 'packages/provider-kubernetes/jest.config.js';

const GROUPS: Group[] = [
  {
    name: 'core-engine',
    jestConfig: CORE,
    mutate: ['packages/core/src/engine/*.ts', '!packages/core/src/**/*.test.ts', '!packages/core/src/**/index.ts'],
    tests: [
      '<rootDir>/test/engine/**/*.test.ts',
      // decide and applyMetricsFallback as the autoscaler calls them (fallback.ts is reached only from there, schedules and pulled signals too).
      '<rootDir>/test/orchestrator/**/*.test.ts',
      // decide's invariants on any policy and signals, and its forecast cases; the forecaster's zero-floor case through decide.
      '<rootDir>/test/fuzz.unit.test.ts',
      '<rootDir>/test/forecast/forecaster.unit.test.ts',
    ],
  },
  {
    name: 'core-orchestrator',
    jestConfig: CORE,
    mutate: ['packages/core/src/orchestrator/*.ts', '!packages/core/src/**/*.test.ts', '!packages/core/src/**/index.ts'],
    tests: ['<rootDir>/test/orchestrator/**/*.test.ts', '<rootDir>/test/ports/**/*.test.ts'],
  },
  {
    name: 'core-forecast',
    jestConfig: CORE,
    mutate: ['packages/core/src/forecast/*.ts', '!packages/core/src/**/*.test.ts', '!packages/core/src/**/index.ts'],
    tests: ['<rootDir>/test/forecast/**/*.test.ts', '<rootDir>/test/engine/**/*.test.ts'],
  },
  {
    name: 'core-ports',
    jestConfig: CORE,
    mutate: ['packages/core/src/ports/webhook-url.ts', 'packages/core/src/ports/redact.ts'],
    tests: ['<rootDir>/test/ports/**/*.test.ts'],
  },
  {
    name: 'core-state',
    jestConfig: CORE,
    mutate: ['packages/core/src/persisted-state/*.ts', '!packages/core/src/**/index.ts'],
    tests: ['<rootDir>/test/persisted-state/**/*.test.ts'],
  },
  {
    name: 'provider-aws-sagemaker',
    jestConfig: AWS,
    mutate: [
      'packages/provider-aws-sagemaker/src/alarms/sns-signature.ts',
      // The string SNS signs lives in cloud-semantics (shared with the sandbox's fake SNS); the verifier's suites guard it.
      'packages/cloud-semantics/src/aws-sns-signing.ts',
      'packages/provider-aws-sagemaker/src/alarms/cloudwatch-source.ts',
      'packages/provider-aws-sagemaker/src/state-tags.ts',
    ],
    tests: [
      '<rootDir>/test/cloudwatch-source.unit.test.ts',
      '<rootDir>/test/alarm-verify.int.test.ts',
      '<rootDir>/test/state-tags.unit.test.ts',
      // poll, inference-component and endpoint-only alarms; the state tags as the provider reads, merges and writes them.
      '<rootDir>/test/alarm-targets.int.test.ts',
      '<rootDir>/test/state-and-resize.int.test.ts',
      '<rootDir>/test/provider.int.test.ts',
      '<rootDir>/**/*.mutation.*.test.ts',
    ],
  },
  {
    name: 'provider-oci-data-science',
    jestConfig: OCI,
    mutate: ['packages/provider-oci-data-science/src/alarm-source.ts', 'packages/provider-oci-data-science/src/state-tags.ts'],
    tests: [
      '<rootDir>/test/alarm-source.unit.test.ts',
      '<rootDir>/test/verify.int.test.ts',
      '<rootDir>/test/ensure-alarms.int.test.ts',
      '<rootDir>/test/managed-tag.unit.test.ts',
      '<rootDir>/test/units.unit.test.ts',
      '<rootDir>/**/*.mutation.*.test.ts',
    ],
  },
  {
    name: 'provider-kubernetes',
    jestConfig: K8S,
    mutate: ['packages/provider-kubernetes/src/model/annotations.ts'],
    tests: ['<rootDir>/test/model/**/*.test.ts', '<rootDir>/test/discovery.int.test.ts', '<rootDir>/**/*.mutation.*.test.ts'],
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
  /** Survivors that no test can kill: the mutant behaves as the original does. */
  equivalent: string[];
}

/**
 * Survivors reviewed and found equivalent, per module: matched by mutator and by a fragment of the
 * original source line (so they survive line shifts), with the reason in one line.
 */
interface Equivalent {
  mutator: string;
  line: string;
  replacement?: string;
  /** The mutant's column, when one line holds a killable mutant of the same kind. */
  column?: number;
  /** The mutant's line number, when the same text stands on several lines and not all its mutants are equivalent. */
  at?: number;
  reason: string;
}
/** The reviewed equivalents, per module (data: bench/mutation-equivalent.json). */
const EQUIVALENT = JSON.parse(readFileSync(join(__dirname, 'mutation-equivalent.json'), 'utf8')) as Record<string, Equivalent[]>;

const sourceLines = new Map<string, string[]>();
function equivalentReason(file: string, r: MutantResult): string | undefined {
  const lines = sourceLines.get(file) ?? readFileSync(join(root, file), 'utf8').split('\n');
  sourceLines.set(file, lines);
  const text = lines[r.location.start.line - 1] ?? '';
  return (EQUIVALENT[file] ?? []).find(
    (e) =>
      e.mutator === r.mutatorName &&
      text.includes(e.line) &&
      (e.replacement === undefined || (r.replacement ?? '').includes(e.replacement)) &&
      (e.column === undefined || e.column === r.location.start.column) &&
      (e.at === undefined || e.at === r.location.start.line),
  )?.reason;
}

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const concurrency = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : 2;
/** `--mutate <file>[,<file>...]`: narrow the group's modules (a quick check of a few files of one package). */
const mutateOverride = args.includes('--mutate') ? args[args.indexOf('--mutate') + 1] : undefined;
const mutateFiles = mutateOverride?.split(',');
/** Set by `--recheck`: the lines of the listed survivors. */
let mutateRanges: string[] | undefined;
/** `--tests <testMatch>[,...]`: narrow the suites too (relative to the package, e.g. `<rootDir>/test/engine/step.unit.test.ts`). */
const testsOverride = args.includes('--tests') ? args[args.indexOf('--tests') + 1]?.split(',') : undefined;
/**
 * `--recheck` (with `--mutate <file>,...`): re-test only the survivors that mutation.json lists for
 * those files (not the tabled equivalents), after new tests. Stryker runs every mutant on their
 * lines; a listed survivor now killed moves to `killed`, the file's other figures are kept. The
 * source must be unchanged since the run that listed them (the survivors are keyed by line:column).
 */
const recheck = args.includes('--recheck');
/** `--out <file>` (from the repo root): write the figures there instead of bench/results/mutation.json (a trial run that must not replace the record). */
const outArg = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const WHAT = /^(\d+):(\d+) (\w+)(?: -> (.*))?$/;

/** `--recheck`: the file's listed survivors, and the lines that hold them as Stryker ranges (`file:a-b`). */
function recheckRanges(previous: Record<string, ModuleScore>, files: readonly string[]): string[] {
  const ranges: string[] = [];
  for (const file of files) {
    const m = previous[file];
    if (m === undefined) throw new Error(`--recheck: ${file} has no figures in bench/results/mutation.json to recheck`);
    const lines = [...new Set(m.survivors.map((w) => Number(WHAT.exec(w)?.[1])))].filter(Number.isFinite).sort((a, b) => a - b);
    for (let i = 0; i < lines.length;) {
      let j = i;
      while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
      ranges.push(`${file}:${lines[i]}-${lines[j]}`);
      i = j + 1;
    }
  }
  return ranges;
}

async function runGroup(group: Group): Promise<MutantResult[]> {
  const { Stryker } = (await import('@stryker-mutator/core')) as unknown as {
    Stryker: new (o: Record<string, unknown>) => { runMutationTest(): Promise<MutantResult[]> };
  };
  const stryker = new Stryker({
    testRunner: 'jest',
    jest: { projectType: 'custom', configFile: group.jestConfig, enableFindRelatedTests: false, config: { testMatch: testsOverride ?? group.tests } },
    mutate: mutateRanges ?? mutateFiles ?? group.mutate,
    // perTest runs each mutant against the tests that reached it; `--all-tests` runs every selected suite
    // (slower), for a mutant perTest reports as survived although a test kills it (see MUTATION.md).
    coverageAnalysis: args.includes('--all-tests') ? 'all' : 'perTest',
    concurrency,
    reporters: ['progress'],
    tempDirName: `.stryker-tmp/${group.name}`,
    ignorePatterns: ['dist', 'out', '.nx', 'bench/results', 'coverage', '.stryker-tmp', 'reports', 'apps/*/dist'],
    timeoutMS: 20_000,
    disableTypeChecks: true,
    // A static mutant (in code run when a module loads) needs every test re-run in a fresh process: minutes each. They are left out of the score.
    // (Stryker allows it with perTest coverage only.)
    ignoreStatic: !args.includes('--all-tests'),
    cleanTempDir: 'always',
    // Re-runs reuse what still holds: a killed mutant whose killing test is unchanged, a survivor no new or changed test covers.
    // `--full` tests every mutant but still writes the report, so the next incremental run reuses this one, not an older one.
    incremental: !recheck,
    force: args.includes('--full'),
    incrementalFile: `reports/mutation/${group.name}.json`,
  });
  return stryker.runMutationTest();
}

const started = Date.now();

/** How mutation.json names a mutant: `line:column Mutator -> replacement` (the replacement cut to 60 characters). */
function describeMutant(r: MutantResult): string {
  return `${r.location.start.line}:${r.location.start.column} ${r.mutatorName}${r.replacement ? ` -> ${r.replacement.replace(/\s+/g, ' ').slice(0, 60)}` : ''}`;
}

/** `--rescore`: no run; re-read mutation.json and sort its survivors by the EQUIVALENT table again. */
function rescore(file: string, m: ModuleScore): void {
  // An equivalent is stored as `<mutant>: <reason>`, and a reason may hold a colon: strip the reason the table knows.
  const reasons = (EQUIVALENT[file] ?? []).map((x) => `: ${x.reason}`);
  const strip = (e: string): string => {
    const known = reasons.find((r) => e.endsWith(r));
    return known === undefined ? e.replace(/: [^:]*$/, '') : e.slice(0, -known.length);
  };
  const all = [...m.survivors, ...(m.equivalent ?? []).map(strip)];
  m.survivors = [];
  m.equivalent = [];
  for (const what of all) {
    const [, line, column, mutatorName, replacement] = WHAT.exec(what) ?? [];
    const reason =
      line === undefined
        ? undefined
        : equivalentReason(file, {
            status: 'Survived',
            fileName: file,
            mutatorName: mutatorName!,
            ...(replacement === undefined ? {} : { replacement }),
            location: { start: { line: Number(line), column: Number(column) } },
          });
    if (reason === undefined) m.survivors.push(what);
    else m.equivalent.push(`${what}: ${reason}`);
  }
}

async function main(): Promise<void> {
  const modules: Record<string, ModuleScore> = {};
  let rescored: { measuredAt: string; runSeconds: number } | undefined;
  if (args.includes('--rescore')) {
    const previous = JSON.parse(readFileSync(join(root, 'bench/results/mutation.json'), 'utf8')) as {
      modules: Record<string, ModuleScore>;
      measuredAt: string;
      runSeconds: number;
    };
    rescored = previous;
    for (const [file, m] of Object.entries(previous.modules)) {
      rescore(file, m);
      modules[file] = m;
    }
  }
  // With `--mutate`, only the groups whose package holds the file (its tests guard it).
  const selected = GROUPS.filter(
    (g) => (only === undefined || g.name === only) && (mutateFiles === undefined || mutateFiles[0]!.startsWith(g.jestConfig.replace(/jest\.config\.js$/, ''))),
  );
  const first = mutateFiles?.[0];
  const chosen = args.includes('--rescore')
    ? []
    : first === undefined
      ? selected
      : selected
          .filter((g) => g.mutate.some((m) => !m.startsWith('!') && (m === first || (m.includes('*') && first.startsWith(m.slice(0, m.indexOf('*')))))))
          .slice(0, 1);
  if (chosen.length === 0 && !args.includes('--rescore')) throw new Error(`no group matches --only ${only ?? '-'} --mutate ${mutateOverride ?? '-'}`);
  const outFile = resolve(root, outArg ?? 'bench/results/mutation.json');
  if (recheck) {
    if (mutateFiles === undefined || mutateFiles.some((f) => f.includes(':'))) throw new Error('--recheck needs --mutate <file>[,<file>...] (whole files)');
    const previous = (JSON.parse(readFileSync(outFile, 'utf8')) as { modules: Record<string, ModuleScore> }).modules;
    mutateRanges = recheckRanges(previous, mutateFiles);
    for (const file of mutateFiles) modules[file] = { ...previous[file]!, survivors: [...previous[file]!.survivors] };
    if (mutateRanges.length === 0) process.stderr.write('mutation: --recheck: no survivors listed, nothing to run\n');
  }
  for (const group of recheck && mutateRanges?.length === 0 ? [] : chosen) {
    process.stderr.write(`mutation: ${group.name} (${group.mutate.filter((m) => !m.startsWith('!')).join(', ')})\n`);
    const results = await runGroup(group);
    for (const r of results) {
      const file = relative(root, r.fileName);
      if (recheck) {
        // Only the listed survivors count; the other mutants on their lines keep their earlier status.
        const m = modules[file]!;
        const what = describeMutant(r);
        const at = m.survivors.indexOf(what);
        if (at >= 0 && (r.status === 'Killed' || r.status === 'Timeout')) {
          m.survivors.splice(at, 1);
          m.survived--;
          m.killed++;
        }
        continue;
      }
      const m = (modules[file] ??= { score: 0, killed: 0, survived: 0, noCoverage: 0, survivors: [], equivalent: [] });
      if (r.status === 'Killed' || r.status === 'Timeout') m.killed++;
      else if (r.status === 'Survived') {
        m.survived++;
        const what = describeMutant(r);
        const reason = equivalentReason(file, r);
        if (reason === undefined) m.survivors.push(what);
        else m.equivalent.push(`${what}: ${reason}`);
      } else if (r.status === 'NoCoverage') m.noCoverage++;
    }
  }
  // What survives a recheck is sorted by the equivalents table again.
  if (recheck) for (const file of mutateFiles ?? []) rescore(file, modules[file]!);
  // A partial run (`--only`, `--mutate`) replaces its modules' figures and keeps the others.
  if ((only !== undefined || mutateOverride !== undefined) && !args.includes('--rescore') && existsSync(outFile)) {
    const previous = JSON.parse(readFileSync(outFile, 'utf8')) as { modules?: Record<string, ModuleScore> };
    for (const [file, m] of Object.entries(previous.modules ?? {})) if (!(file in modules)) modules[file] = m;
  }
  let killed = 0;
  let survived = 0;
  let noCoverage = 0;
  let equivalent = 0;
  for (const m of Object.values(modules)) {
    equivalent += m.equivalent.length;
    m.score = m.killed + m.survived > 0 ? Math.round((1000 * m.killed) / (m.killed + m.survived)) / 10 : 100;
    killed += m.killed;
    survived += m.survived;
    noCoverage += m.noCoverage;
  }
  const score = killed + survived > 0 ? Math.round((1000 * killed) / (killed + survived)) / 10 : 0;
  const out = {
    score,
    killed,
    survived,
    equivalent,
    noCoverage,
    aim: 90,
    // A rescore measures nothing: the figures keep the time of the run that measured them.
    measuredAt: rescored?.measuredAt ?? new Date().toISOString(),
    runSeconds: rescored?.runSeconds ?? Math.round((Date.now() - started) / 1000),
    modules,
  };
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`mutation score ${score}% (${killed} killed, ${survived} survived of which ${equivalent} equivalent, ${noCoverage} not covered)\n`);
  for (const [file, m] of Object.entries(modules))
    process.stdout.write(`  ${file}: ${m.score}% ${m.survivors.length ? `survivors: ${m.survivors.join(' | ')}` : ''}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
