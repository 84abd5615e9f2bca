import { Command, CommanderError } from 'commander';
import { ValidationError } from '@autoscaler/core';
import { clouds } from './clouds';
import { registerDecideCommand } from './commands/decide';
import { registerDemoCommand } from './commands/demo';
import { registerValidateCommand } from './commands/validate';
import { type CliIO, processIO, reportError } from './io';
import { parseIntFlag } from './read-input';
import { extraCommands } from './commands';

/** Build the `autoscaler` command. Output goes through `io` so tests can run commands in-process. */
export function buildProgram(io: CliIO = processIO): Command {
  const program = new Command('autoscaler')
    .description('One autoscaler for ML model-serving endpoints on every cloud (OCI Data Science, AWS SageMaker, Kubernetes)')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  registerValidateCommand(program, io);
  registerDecideCommand(program, io);
  registerDemoCommand(program, io);
  for (const register of extraCommands) register(program, io);

  const cloudNames = clouds.map((c) => c.name).join(', ') || '(none registered)';
  const setup = program.command('setup').description(`Create what the autoscaler needs in a cloud (alarms, topics, IAM): ${cloudNames}`);
  const teardown = program.command('teardown').description(`Remove exactly what setup created: ${cloudNames}`);
  const sandbox = program.command('sandbox').description(`Start a local wire-level fake of a cloud API to try the autoscaler without an account: ${cloudNames}`);
  const status = program.command('status').description(`Show capacity, state and recent actions of targets: ${cloudNames}`);
  for (const c of clouds) c.register({ program, setup, teardown, sandbox, status });

  program
    .command('scale')
    .description('Change a target on demand and wait until the change is done; the cloud is picked from the id (OCID, endpoint/<n>/variant/<v>, <ns>/<kind>/<name>)')
    .argument('<id>', 'target id')
    .option('--replicas <n>', 'instance count / replicas')
    .option('--size <size>', 'shape (OCI), instance type (AWS) or requests/limits tier (Kubernetes)')
    .option('--shape <shape>', 'alias of --size for OCI')
    .option('--instance-type <type>', 'alias of --size for AWS')
    .option('--no-wait', 'return once the change is accepted')
    .option('--endpoint <url>', 'API endpoint (e.g. a sandbox)')
    .option('--region <region>', 'region')
    .option('--config <file>', 'cloud config file (OCI config, kubeconfig)')
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: Record<string, unknown>) => {
      const cloud = clouds.find((c) => c.matchesId?.(id));
      if (!cloud?.scale) throw ValidationError.field('id', `"${id}" is not an id of any registered cloud (${cloudNames})`);
      const size = (opts['size'] ?? opts['shape'] ?? opts['instanceType']) as string | undefined;
      const replicas = opts['replicas'] === undefined ? undefined : parseIntFlag(String(opts['replicas']), '--replicas');
      if (replicas === undefined && size === undefined) throw ValidationError.field('--replicas', 'give --replicas and/or --size');
      await cloud.scale({ id, ...(replicas !== undefined ? { replicas } : {}), ...(size !== undefined ? { size } : {}), wait: opts['wait'] !== false, json: Boolean(opts['json']), options: opts });
    });

  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    return reportError(io, e, argv.includes('--json'));
  }
}
