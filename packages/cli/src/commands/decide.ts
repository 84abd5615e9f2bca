import type { Command } from 'commander';
import { decide, parseHistory, parsePolicy, parseSignal, parseTargetState, type Signal } from '@autoscaler/core';
import type { CliIO } from '../io';
import { parseTime, readDocument, readText } from '../read-input';

interface DecideOptions {
  policy: string;
  state: string;
  signal?: string[];
  history?: string;
  now?: string;
  json?: boolean;
}

export function registerDecideCommand(program: Command, io: CliIO): void {
  program
    .command('decide')
    .description('Run the decision engine once on a policy, a target state and signals; prints the ScaleDecision')
    .requiredOption('--policy <file>', 'policy file (YAML or JSON)')
    .requiredOption('--state <file>', 'state.json: { capacity: { replicas, size? }, status, lastScaleOut?, lastScaleIn? }')
    .option('--signal <file...>', 'signal.json: one Signal ({ metric, value, threshold, state, at }) or an array')
    .option('--history <file>', 'history.json: { recommendations: [{ at, replicas }] }')
    .option('--now <time>', 'decision time (ISO-8601 or epoch ms); default: now')
    .option('--json', 'print the decision as JSON')
    .action((opts: DecideOptions) => {
      const policy = parsePolicy(readText(opts.policy, '--policy'), opts.policy);
      const state = parseTargetState(readDocument(opts.state, '--state'), policy.targets[0]);
      const signals: Signal[] = [];
      for (const file of opts.signal ?? []) {
        const doc = readDocument(file, '--signal');
        for (const item of Array.isArray(doc) ? doc : [doc]) signals.push(parseSignal(item, state.ref));
      }
      const history = opts.history ? parseHistory(readDocument(opts.history, '--history')) : {};
      const now = opts.now ? parseTime(opts.now, '--now') : Date.now();
      const decision = decide(policy, state, signals, history, now);
      if (opts.json) {
        io.out(JSON.stringify(decision, null, 2));
        return;
      }
      const fmt = (c: { replicas: number; size?: string }): string => `${c.replicas}${c.size ? ` x ${c.size}` : ''}`;
      io.out(
        `${decision.action === 'none' ? 'no action' : decision.action}: ${fmt(decision.from)} -> ${fmt(decision.to)}${decision.rule ? ` (rule ${decision.rule})` : ''}`,
      );
      io.out(`reason: ${decision.reason}`);
    });
}
