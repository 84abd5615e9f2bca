import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { parsePolicy, ValidationError, type Issue, type NotificationKindSchema, type Policy } from '@autoscaler/core';
import { cloudOfProvider, clouds, namesOf } from '../clouds';
import { type CliIO, CliExit } from '../io';
import { plainIssues, yamlSyntaxProblem } from '../issues';
import { readText } from '../read-input';
import { unknownName } from '../suggest';

/** Providers that are not clouds: core's in-memory reference provider and the simulator's. */
const LOCAL_PROVIDERS = ['memory', 'simulator'];

/**
 * Each target's provider must be a registered one and its id must pass that provider's own
 * id check (an OCID, `endpoint/<name>/variant/<variant>`, `<namespace>/<kind>/<name>`).
 * Read from the raw document so these problems are listed even when the schema fails elsewhere.
 */
export async function targetIssues(doc: unknown): Promise<Issue[]> {
  const targets = (doc as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets)) return [];
  const providers = clouds.map((c) => c.provider);
  const listed = `${providers.join(', ')} (or ${LOCAL_PROVIDERS.join(', ')} for local runs)`;
  const issues: Issue[] = [];
  for (const [i, t] of targets.entries()) {
    const provider = (t as { provider?: unknown } | null)?.provider;
    const id = (t as { id?: unknown } | null)?.id;
    if (typeof provider !== 'string' || LOCAL_PROVIDERS.includes(provider)) continue;
    const cloud = cloudOfProvider(provider);
    if (!cloud) {
      // `oci`, `aws`, `k8s`, `sagemaker` are command-line names; a policy names the provider.
      const byAlias = clouds.find((c) => namesOf(c).includes(provider.toLowerCase()));
      const message = byAlias
        ? `"${provider}" is the command-line name of the cloud; a policy names its provider: "${byAlias.provider}"`
        : unknownName('provider', provider, [...providers, ...LOCAL_PROVIDERS], listed);
      issues.push({ path: `targets[${i}].provider`, message });
      continue;
    }
    if (typeof id !== 'string') continue;
    try {
      await cloud.validateId(id, `targets[${i}].id`);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      issues.push(...(e.issues.length > 0 ? e.issues : [{ path: `targets[${i}].id`, message: e.message }]));
    }
  }
  return issues;
}

/**
 * The kinds the clouds' packages register (`sns`, `ons`), loaded only when the policy has an entry
 * other than a webhook, so each entry is checked by its cloud's own schema (`notifications[0].topicArn`)
 * and an unknown type is named.
 */
async function notificationKinds(doc: unknown): Promise<NotificationKindSchema[] | undefined> {
  const entries = (doc as { notifications?: unknown } | null)?.notifications;
  if (!Array.isArray(entries) || !entries.some((e) => (e as { type?: unknown } | null)?.type !== 'webhook')) return undefined;
  const loaded = await Promise.all(clouds.map(async (c) => (c.notificationKinds ? c.notificationKinds() : [])));
  return loaded.flat();
}

export type PolicyCheck = { valid: true; policy: Policy } | { valid: false; issues: Issue[] };

/** Everything `validate` checks: syntax (what is wrong and where), the schema, then providers and target ids. */
export async function checkPolicy(text: string, file: string): Promise<PolicyCheck> {
  const syntax = yamlSyntaxProblem(text);
  if (syntax) return { valid: false, issues: [{ path: '(document)', message: `not valid YAML/JSON: ${syntax}` }] };
  let policy: Policy | undefined;
  let issues: Issue[] = [];
  try {
    policy = parsePolicy(text, { source: file, notificationKinds: await notificationKinds(parseYaml(text)) });
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    issues = e.issues.length > 0 ? [...e.issues] : [{ path: '(document)', message: e.message }];
  }
  const seen = new Set(issues.map((i) => i.path));
  for (const i of await targetIssues(parseYaml(text))) if (!seen.has(i.path)) issues.push(i);
  return policy && issues.length === 0 ? { valid: true, policy } : { valid: false, issues: plainIssues(issues) };
}

export function registerValidateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('Validate a policy file (YAML or JSON): syntax, every field, provider names and target ids; prints every problem by path and exits 1 if any')
    .argument('<policy>', 'policy file')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const result = await checkPolicy(readText(file, 'policy'), file);
      if (result.valid) {
        const { policy } = result;
        if (opts.json) io.out(JSON.stringify({ valid: true, policy }, null, 2));
        else io.out(`${file}: valid policy "${policy.name}" with ${policy.rules.length} rule(s), ${policy.targets.length} target(s)`);
        return;
      }
      if (opts.json) io.out(JSON.stringify({ valid: false, issues: result.issues }, null, 2));
      else {
        io.err(`${file}: invalid policy`);
        for (const i of result.issues) io.err(`  ${i.path}: ${i.message}`);
      }
      throw new CliExit(1);
    });
}
