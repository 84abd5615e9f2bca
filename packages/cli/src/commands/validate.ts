import type { Command } from 'commander';
import { parsePolicy, ValidationError } from '@autoscaler/core';
import { type CliIO, CliExit } from '../io';
import { readText } from '../read-input';

export function registerValidateCommand(program: Command, io: CliIO): void {
  program
    .command('validate')
    .description('Validate a policy file (YAML or JSON); prints every problem by path and exits 1 if any')
    .argument('<policy>', 'policy file')
    .option('--json', 'print the result as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      try {
        const policy = parsePolicy(readText(file, 'policy'), file);
        if (opts.json) io.out(JSON.stringify({ valid: true, policy }, null, 2));
        else io.out(`${file}: valid policy "${policy.name}" with ${policy.rules.length} rule(s), ${policy.targets.length} target(s)`);
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        if (opts.json) io.out(JSON.stringify({ valid: false, issues: e.issues.length ? e.issues : [{ path: '(document)', message: e.message }] }, null, 2));
        else {
          io.err(`${file}: invalid policy`);
          for (const i of e.issues.length ? e.issues : [{ path: '(document)', message: e.message }]) io.err(`  ${i.path}: ${i.message}`);
        }
        throw new CliExit(1);
      }
    });
}
