import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ValidationError, parsePolicy, type NativeExport, type TargetRef } from '@autoscaler/core';
import { nativeFormats } from '../clouds';
import type { CliIO } from '../io';
import { readText } from '../read-input';
import { unknownName } from '../suggest';

interface ExportFlags {
  to: string;
  target?: string;
  json?: boolean;
}

export interface ExportResult extends NativeExport {
  format: string;
  target: TargetRef;
}

/** Compile a policy to a cloud's native autoscaler, once per target of that cloud (or the one `--target`). */
export async function runExport(file: string, flags: ExportFlags): Promise<ExportResult[]> {
  const formats = nativeFormats();
  const format = formats.find((f) => f.name === flags.to.toLowerCase());
  const listed = formats.map((f) => `${f.name} (${f.cloud.name})`).join(', ');
  if (!format)
    throw ValidationError.field(
      '--to',
      unknownName(
        'format',
        flags.to,
        formats.map((f) => f.name),
        listed,
      ),
    );
  const policy = parsePolicy(readText(file, 'policy'), file);
  const { cloud } = format;
  let refs: TargetRef[];
  if (flags.target !== undefined) {
    await cloud.validateId(flags.target, '--target');
    refs = [{ provider: cloud.provider, id: flags.target }];
  } else {
    refs = policy.targets.filter((t) => t.provider === cloud.provider);
    if (refs.length === 0) throw ValidationError.field('--target', `the policy has no ${cloud.provider} target: give one with --target (${cloud.idFormat})`);
  }
  const out: ExportResult[] = [];
  for (const ref of refs) out.push({ format: format.name, target: ref, ...(await format.export(policy, ref)) });
  return out;
}

export function registerExportCommand(program: Command, io: CliIO): void {
  const formats = nativeFormats();
  program
    .command('export')
    .description('Print a policy as a cloud-native autoscaler, and list what the native one cannot express')
    .argument('<policy>', 'policy file (YAML or JSON)')
    .requiredOption('--to <format>', formats.map((f) => `${f.name}: ${f.description}`).join('; '))
    .option('--target <id>', 'export for this target id (default: every target of the policy on that cloud)')
    .option('--json', 'print the resources and the list of what cannot be expressed as JSON')
    .action(async (file: string, o: ExportFlags) => {
      const results = await runExport(file, o);
      if (o.json) {
        io.out(JSON.stringify(results, null, 2));
        return;
      }
      // Kubernetes manifests print as YAML (`| kubectl apply -f -`), API payloads as JSON.
      const docs = results.flatMap((r) => r.resources);
      const manifests = docs.every((d) => typeof d === 'object' && d !== null && 'apiVersion' in d && 'kind' in d);
      if (docs.length > 0) io.out(manifests ? docs.map((d) => stringify(d).trimEnd()).join('\n---\n') : JSON.stringify(docs, null, 2));
      for (const r of results) {
        if (r.resources.length === 0) io.err(`${r.target.id}: nothing to export`);
        for (const line of r.unsupported) io.err(`not expressible (${r.target.id}): ${line}`);
      }
    });
}
