/**
 * Mutation testing (StrykerJS, Jest runner) on the modules that guard behaviour: core's engine
 * and orchestrator, and every module that verifies signatures, alarms or managed status.
 * Outside `npm test` (it runs the suites hundreds of times). Run: `npx tsx bench/mutation.ts`
 * (`--only core` for one group, `--concurrency N`). Writes bench/results/mutation.json:
 * `{ score, killed, survived, modules }`, score in percent of the mutants that tests cover.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

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
    tests: ['<rootDir>/test/engine/**/*.test.ts'],
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
  reason: string;
}
const EQUIVALENT: Record<string, Equivalent[]> = {
  'packages/core/src/ports/webhook-url.ts': [
    {
      mutator: 'Regex',
      line: '/^(\\d{1,3})\\.(\\d{1,3})',
      replacement: '/(\\d{1,3})',
      reason: 'a URL host whose last label is numeric must parse as IPv4 (else new URL throws), so nothing can precede the address',
    },
    { mutator: 'MethodExpression', line: 'parts.every((n) => n <= 255)', reason: 'new URL already rejects IPv4 parts above 255' },
    { mutator: 'ConditionalExpression', line: 'parts.every((n) => n <= 255)', reason: 'new URL already rejects IPv4 parts above 255' },
    { mutator: 'Regex', line: "host.replace(/^\\[|\\]$/g, '')", reason: 'an IPv6 hostname from new URL is always [..] with one bracket at each end' },
    { mutator: 'Regex', line: 'const mapped = /^::ffff:', reason: 'dead branch: new URL writes IPv4-mapped addresses in hex (::ffff:7f00:1), never dotted' },
    {
      mutator: 'ConditionalExpression',
      line: 'if (mapped) return',
      reason: 'dead branch: new URL writes IPv4-mapped addresses in hex (::ffff:7f00:1), never dotted',
    },
    { mutator: 'MethodExpression', line: "h.startsWith('fd00:ec2::')", reason: 'fd00:ec2:: is already inside fc00::/7, matched by the regex before it' },
    { mutator: 'Regex', line: "u.protocol.replace(/:$/, '')", reason: 'a URL protocol holds exactly one colon, at its end' },
    {
      mutator: 'StringLiteral',
      line: "host.startsWith('[') && privateIpv6(host)",
      reason: 'a host name or IPv4 host has no colon, so privateIpv6 is false for it anyway',
    },
    {
      mutator: 'StringLiteral',
      line: "const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal'",
      reason: "the two '.internal' names are refused by the .internal suffix check too",
    },
  ],
  'packages/provider-kubernetes/src/model/annotations.ts': [
    {
      mutator: 'ConditionalExpression',
      line: '...(m.from !== undefined ?',
      reason: 'JSON.stringify drops a key whose value is undefined, so { from: undefined } writes the same text',
    },
    {
      mutator: 'ConditionalExpression',
      line: '...(m.to !== undefined ?',
      reason: 'JSON.stringify drops a key whose value is undefined, so { to: undefined } writes the same text',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'for (const k of STATE_KEYS) if (!(k in patch))',
      reason: 'the patch literal above already holds every state key: the loop is a guard for keys added later',
    },
    {
      mutator: 'BooleanLiteral',
      line: 'for (const k of STATE_KEYS) if (!(k in patch))',
      reason: 'the patch literal above already holds every state key: the loop is a guard for keys added later',
    },
    {
      mutator: 'ArrayDeclaration',
      line: 'const STATE_KEYS = [',
      reason: 'the patch literal already holds every state key (see the loop in persistedStatePatch)',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'if (text === undefined) return undefined;',
      reason: 'JSON.parse(undefined) throws and the catch returns undefined too',
    },
    { mutator: 'ArrayDeclaration', line: 'problems: string[] = []', reason: 'a default list is never returned: what is pushed into it is not observable' },
    { mutator: 'BlockStatement', line: '} catch {', reason: 'an empty catch returns undefined, as the original does' },
    {
      mutator: 'ConditionalExpression',
      line: "const wholeOrUndefined = (v: unknown): number | undefined => (typeof v === 'number'",
      reason: 'Number.isInteger is false for every non-number anyway',
    },
    { mutator: 'OptionalChaining', line: 'wholeOrUndefined(v?.', reason: 'reached only when v.at parsed as a time, so v is an object' },
    {
      mutator: 'ConditionalExpression',
      line: '[ANNOTATION.metricFailures]: state.metricFailures !== undefined &&',
      reason: 'undefined > 0 is false: the next test gives the same answer',
    },
  ],
  'packages/core/src/engine/size-ladder.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'if (current === undefined) return undefined;',
      reason: 'indexOf(undefined) is -1: the next line returns undefined too',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'return j >= 0 && j < ladder.length ? ladder[j] : undefined;',
      reason: 'an array read outside 0..length-1 is undefined anyway',
    },
    {
      mutator: 'LogicalOperator',
      line: 'return j >= 0 && j < ladder.length ? ladder[j] : undefined;',
      reason: 'an array read outside 0..length-1 is undefined anyway',
    },
    {
      mutator: 'EqualityOperator',
      line: 'return j >= 0 && j < ladder.length ? ladder[j] : undefined;',
      reason: 'ladder[length] is undefined anyway',
    },
    { mutator: 'ConditionalExpression', line: 'return size === undefined ? -1 : ladder.indexOf(size);', reason: 'indexOf(undefined) is -1 too' },
  ],
  'packages/core/src/engine/match.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'return rule.metric !== undefined && rule.metric === signal.metric;',
      replacement: 'true',
      reason: 'Signal.metric is a required string, so undefined === signal.metric is false anyway',
    },
  ],
  'packages/core/src/engine/step.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'const below = diff < 0 || (diff === 0 &&',
      column: 30,
      reason: 'with diff > 0 and every upper <= 0, no interval holds diff whichever side is read',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'delta === 0 && change !== 0) delta = Math.sign(change)',
      column: 66,
      reason: 'with change 0, Math.sign(0) * magnitude adds 0',
    },
    { mutator: 'EqualityOperator', line: 'if (raw > 1) return Math.floor(raw);', reason: 'at raw = 1 both branches give 1' },
    { mutator: 'EqualityOperator', line: 'if (raw > 0) return 1;', reason: 'raw = 0 returned 0 on the line above' },
    { mutator: 'EqualityOperator', line: 'if (raw < -1) return Math.ceil(raw);', reason: 'at raw = -1 both branches give -1' },
    { mutator: 'EqualityOperator', line: 'Math.abs(delta) < minAdjustmentMagnitude', reason: 'at |delta| = magnitude the raise sets the same value' },
    {
      mutator: 'ConditionalExpression',
      line: 'delta !== 0 && Math.abs(delta) < minAdjustmentMagnitude',
      reason: 'a zero delta is raised by the next statement to the same value',
    },
    {
      mutator: 'LogicalOperator',
      line: 'delta !== 0 && Math.abs(delta) < minAdjustmentMagnitude',
      reason: 'a zero delta is raised by the next statement to the same value',
    },
  ],
  'packages/provider-aws-sagemaker/src/alarms/sns-signature.ts': [
    {
      mutator: 'Regex',
      line: "path.replace(/SigningCert(Url|URL)$/, 'TopicArn')",
      reason: 'every caller passes a path that ends in SigningCertUrl/URL and holds it once',
    },
    {
      mutator: 'StringLiteral',
      line: ".update(snsStringToSign(fields), 'utf8')",
      reason: "Verify.update with encoding '' reads the string as utf8, its default",
    },
    {
      mutator: 'ConditionalExpression',
      line: 'if (this.options.maxMessageAgeMs !== undefined && this.now() - at > this.options.maxMessageAgeMs)',
      replacement: 'true',
      reason: 'a number compared with undefined is false, so an unset age limit refuses nothing either way',
    },
  ],
  'packages/core/src/engine/decide.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'if (signal.scaleOutOnly && out !== undefined && isProposal(out)',
      column: 30,
      reason: 'isProposal(undefined) is false anyway',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'if (signal.scaleOutOnly && out !== undefined && isProposal(out)',
      column: 70,
      reason: 'undefined < current is false anyway',
    },
    {
      mutator: 'ArrayDeclaration',
      line: 'const proposals: Proposal[] = [];',
      reason: 'a string in the list has no replicas, size or bandwidth: every reader skips it',
    },
    { mutator: 'ConditionalExpression', line: 'if (p.replicas === undefined) continue;', reason: 'undefined compares false with current on both lines below' },
    {
      mutator: 'ConditionalExpression',
      line: 'if (p.replicas < current && (inn === undefined',
      replacement: 'true',
      reason: 'inn then holds the largest proposal, returned only when none is >= current: the largest below it, as before',
    },
    {
      mutator: 'EqualityOperator',
      line: 'if (p.replicas < current && (inn === undefined',
      replacement: 'p.replicas <= current',
      reason: 'a hold vetoes before inn is returned',
    },
    {
      mutator: 'EqualityOperator',
      line: 'Math.abs(replicas - current) > limits.maxStep) replicas = current',
      replacement: '>=',
      reason: 'at |change| = maxStep the limit gives the same value',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'const hold = picked === undefined && proposals.length > 0 ?',
      replacement: 'true',
      reason: 'hold is read only as picked ?? hold, and find on an empty list is undefined',
    },
    {
      mutator: 'LogicalOperator',
      line: 'const hold = picked === undefined && proposals.length > 0 ?',
      reason: 'hold is read only as picked ?? hold',
    },
    {
      mutator: 'EqualityOperator',
      line: 'const hold = picked === undefined && proposals.length > 0 ?',
      reason: 'find on an empty list is undefined',
    },
    { mutator: 'EqualityOperator', line: 'if (picked && desired > current) {', reason: 'a picked proposal never equals the current fleet' },
    {
      mutator: 'ConditionalExpression',
      line: '} else if (picked && desired < current) {',
      reason: 'reached only when not (picked and desired > current), and a picked proposal never equals the current fleet',
    },
    {
      mutator: 'EqualityOperator',
      line: '} else if (picked && desired < current) {',
      reason: 'a picked proposal never equals the current fleet',
    },
    {
      mutator: 'LogicalOperator',
      line: '} else if (picked && desired < current) {',
      reason: 'without a pick, desired is the current fleet',
    },
    { mutator: 'EqualityOperator', line: 'r.replicas > highest) highest = r.replicas;', reason: 'an equal recommendation sets the same value' },
    {
      mutator: 'EqualityOperator',
      line: 'r.replicas < lowest) lowest = r.replicas;',
      replacement: '<=',
      reason: 'an equal recommendation sets the same value',
    },
    {
      mutator: 'ConditionalExpression',
      line: "if (desired >= current) blockedBy = 'stabilization';",
      replacement: 'true',
      reason: 'blockedBy is read only when nothing changes; a partial scale-in still scales',
    },
    {
      mutator: 'ConditionalExpression',
      line: "if (desired <= current) blockedBy = 'stabilization';",
      replacement: 'true',
      reason: 'blockedBy is read only when nothing changes; a partial scale-out still scales',
    },
    {
      mutator: 'ConditionalExpression',
      line: "if (clamped === current && picked) blockedBy = 'limits';",
      reason: 'when the clamp moves away from the current fleet the decision scales and blockedBy is not read',
    },
    {
      mutator: 'LogicalOperator',
      line: "if (clamped === current && picked) blockedBy = 'limits';",
      reason: 'without a pick desired is the current fleet, so a clamp never lands back on it',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'if (limits.maxStep !== undefined && Math.abs(desired - current) > limits.maxStep) {',
      column: 7,
      replacement: 'true',
      reason: 'a number compared with an undefined maxStep is false anyway',
    },
    {
      mutator: 'EqualityOperator',
      line: 'if (limits.maxStep !== undefined && Math.abs(desired - current) > limits.maxStep) {',
      reason: 'at |change| = maxStep the limit gives the same value',
    },
    {
      mutator: 'ConditionalExpression',
      line: 'if (limits.maxStep !== undefined && Math.abs(replicas - current) > limits.maxStep) replicas',
      column: 13,
      replacement: 'true',
      reason: 'a number compared with an undefined maxStep is false anyway',
    },
    { mutator: 'ConditionalExpression', line: 'if (bw === undefined) continue;', reason: 'undefined compares false with current on both lines below' },
  ],
  'packages/core/src/orchestrator/keyed-lock.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'if (this.tails.get(key) === tail) this.tails.delete(key);',
      replacement: 'false',
      reason: 'a settled tail left in the map is awaited harmlessly by the next caller: only memory differs',
    },
  ],
  'packages/core/src/orchestrator/metric-history.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'if (p.at > last && p.at >= s.fetchedTo && p.at < to)',
      column: 13,
      reason: 'every cached point is before fetchedTo, so p.at >= fetchedTo already implies p.at > last',
    },
    {
      mutator: 'EqualityOperator',
      line: 'if (p.at > last && p.at >= s.fetchedTo && p.at < to)',
      replacement: 'p.at >= last',
      reason: 'every cached point is before fetchedTo, so p.at >= fetchedTo already implies p.at > last',
    },
    {
      mutator: 'EqualityOperator',
      line: 's.points = keep < 0 ? [] : s.points.slice(keep);',
      reason: 'the trim runs only when the first point is before the window, so keep is never 0',
    },
  ],
  'packages/core/src/orchestrator/budget.ts': [
    {
      mutator: 'ConditionalExpression',
      line: 'if (clock !== systemClock) return clock.sleep(ms);',
      reason: "on the system clock the only difference is the timer's unref: whether it keeps the process alive",
    },
    {
      mutator: 'ConditionalExpression',
      line: 'if (!Number.isFinite(this.deadline)) return new Budget(this.clock, Infinity);',
      reason: 'now + Infinity / waves is Infinity too',
    },
    {
      mutator: 'ObjectLiteral',
      line: "addEventListener('abort', fail, { once: true });",
      reason: 'an AbortSignal fires abort once, so a listener left behind is never called again',
    },
    {
      mutator: 'BooleanLiteral',
      line: "addEventListener('abort', fail, { once: true });",
      reason: 'an AbortSignal fires abort once, so a listener left behind is never called again',
    },
  ],
  'packages/core/src/ports/redact.ts': [
    { mutator: 'Regex', line: "replace(/^[^@]*@/, '')", replacement: '/[^@]*@/', reason: 'the leftmost match of [^@]*@ starts at 0 anyway' },
  ],
};

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
      (e.column === undefined || e.column === r.location.start.column),
  )?.reason;
}

const root = join(__dirname, '..');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const concurrency = args.includes('--concurrency') ? Number(args[args.indexOf('--concurrency') + 1]) : 2;
/** `--mutate <file>[,<file>...]`: narrow the group's modules (a quick check of a few files of one package). */
const mutateOverride = args.includes('--mutate') ? args[args.indexOf('--mutate') + 1] : undefined;
const mutateFiles = mutateOverride?.split(',');
/** `--tests <testMatch>[,...]`: narrow the suites too (relative to the package, e.g. `<rootDir>/test/engine/step.unit.test.ts`). */
const testsOverride = args.includes('--tests') ? args[args.indexOf('--tests') + 1]?.split(',') : undefined;

async function runGroup(group: Group): Promise<MutantResult[]> {
  const { Stryker } = (await import('@stryker-mutator/core')) as unknown as {
    Stryker: new (o: Record<string, unknown>) => { runMutationTest(): Promise<MutantResult[]> };
  };
  const stryker = new Stryker({
    testRunner: 'jest',
    jest: { projectType: 'custom', configFile: group.jestConfig, enableFindRelatedTests: false, config: { testMatch: testsOverride ?? group.tests } },
    mutate: mutateFiles ?? group.mutate,
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
    ignoreStatic: true,
    cleanTempDir: 'always',
    // Re-runs reuse what still holds: a killed mutant whose killing test is unchanged, a survivor no new or changed test covers.
    incremental: !args.includes('--full'),
    incrementalFile: `reports/mutation/${group.name}.json`,
  });
  return stryker.runMutationTest();
}

const started = Date.now();

/** `--rescore`: no run; re-read mutation.json and sort its survivors by the EQUIVALENT table again. */
function rescore(file: string, m: ModuleScore): void {
  const all = [...m.survivors, ...(m.equivalent ?? []).map((e) => e.replace(/: [^:]*$/, ''))];
  m.survivors = [];
  m.equivalent = [];
  for (const what of all) {
    const [, line, column, mutatorName, replacement] = /^(\d+):(\d+) (\w+)(?: -> (.*))?$/.exec(what) ?? [];
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
  if (args.includes('--rescore')) {
    const previous = JSON.parse(readFileSync(join(root, 'bench/results/mutation.json'), 'utf8')) as { modules: Record<string, ModuleScore> };
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
  for (const group of chosen) {
    process.stderr.write(`mutation: ${group.name} (${group.mutate.filter((m) => !m.startsWith('!')).join(', ')})\n`);
    const results = await runGroup(group);
    for (const r of results) {
      const file = relative(root, r.fileName);
      const m = (modules[file] ??= { score: 0, killed: 0, survived: 0, noCoverage: 0, survivors: [], equivalent: [] });
      if (r.status === 'Killed' || r.status === 'Timeout') m.killed++;
      else if (r.status === 'Survived') {
        m.survived++;
        const what = `${r.location.start.line}:${r.location.start.column} ${r.mutatorName}${r.replacement ? ` -> ${r.replacement.replace(/\s+/g, ' ').slice(0, 60)}` : ''}`;
        const reason = equivalentReason(file, r);
        if (reason === undefined) m.survivors.push(what);
        else m.equivalent.push(`${what}: ${reason}`);
      } else if (r.status === 'NoCoverage') m.noCoverage++;
    }
  }
  // A partial run (`--only`, `--mutate`) replaces its modules' figures and keeps the others.
  const outFile = join(root, 'bench/results/mutation.json');
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
    measuredAt: new Date().toISOString(),
    runSeconds: Math.round((Date.now() - started) / 1000),
    modules,
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`mutation score ${score}% (${killed} killed, ${survived} survived of which ${equivalent} equivalent, ${noCoverage} not covered)\n`);
  for (const [file, m] of Object.entries(modules))
    process.stdout.write(`  ${file}: ${m.score}% ${m.survivors.length ? `survivors: ${m.survivors.join(' | ')}` : ''}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
