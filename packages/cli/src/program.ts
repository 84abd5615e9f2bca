import { Command, CommanderError } from 'commander';
import { ValidationError } from '@autoscaler/core';
import type { CloudCli } from './clouds/types';
import { type CloudEntry, type CloudVerb, cloudNames, clouds, namesOf, resolveCloud } from './clouds';
import { registerDecideCommand } from './commands/decide';
import { registerDemoCommand } from './commands/demo';
import { registerValidateCommand } from './commands/validate';
import { type CliIO, processIO, reportError } from './io';
import { parseIntFlag } from './read-input';
import { extraCommands } from './commands';
import { registerExportCommand } from './commands/export';
import { textOf } from '@autoscaler/core';

/** `--instance-type` -> `instanceType`, the key commander stores an option under. */
const camel = (flag: string): string => flag.replace(/^--/, '').replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/**
 * Each cloud's subcommand of `setup`/`teardown`/`sandbox`/`status` answers to every name of
 * the cloud (`status kubernetes`, `setup oci-data-science`); the parent's help lists them from
 * the registry; a name with no subcommand gets one clear error that lists the valid ones.
 */
function acceptCloudAliases(verb: string, parent: Command): void {
  const here = clouds.filter((c) => parent.commands.some((sub) => sub.name() === c.name));
  for (const c of here) {
    const sub = parent.commands.find((s) => s.name() === c.name)!;
    const taken = new Set(parent.commands.flatMap((s) => [s.name(), ...s.aliases()]));
    for (const alias of c.aliases) if (!taken.has(alias)) sub.alias(alias);
  }
  parent
    .description(`${parent.description()}: ${cloudNames(here)}`)
    .argument('[cloud]')
    .allowUnknownOption()
    .allowExcessArguments()
    .action((name: string | undefined) => {
      if (name === undefined) throw ValidationError.field('cloud', `name one: autoscaler ${verb} <cloud>, where <cloud> is ${cloudNames(here)}`);
      const other = clouds.find((c) => namesOf(c).includes(name.toLowerCase()));
      if (other)
        throw ValidationError.field(
          'cloud',
          `${other.name} has no "${verb}" command (${verb} is for ${cloudNames(here)}); see ${other.docs ?? `docs/${other.name}.md`}`,
        );
      resolveCloud(name, 'cloud', here);
    });
}

/** Thrown by a cloud's stand-in command: load that cloud and parse again. */
class NeedCloud extends Error {
  constructor(readonly cloud: CloudEntry) {
    super(`${cloud.name} is not loaded`);
  }
}

/**
 * A cloud's subcommand before its module is loaded: the name and description from the light
 * registry (so `--help` lists it without loading any SDK); running it (or asking its help)
 * loads the cloud and parses the same arguments again with the real command.
 */
function standIn(parent: Command, name: string, description: string, cloud: CloudEntry): void {
  parent
    .command(name)
    .description(description)
    .helpOption(false)
    .argument('[args...]')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw new NeedCloud(cloud);
    });
}

/**
 * Build the `autoscaler` command. Output goes through `io` so tests can run commands in-process.
 * Clouds in `loaded` (and generated ones) register their real commands; the others get stand-ins.
 */
export function buildProgram(io: CliIO = processIO, loaded: ReadonlyMap<string, CloudCli> = new Map()): Command {
  const program = new Command('autoscaler')
    .description(`One autoscaler for ML model-serving endpoints on every cloud: ${cloudNames()}`)
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();

  registerValidateCommand(program, io);
  registerDecideCommand(program, io);
  registerDemoCommand(program, io);
  for (const register of extraCommands) register(program, io);

  const parents = {
    setup: program.command('setup').description('Create what the autoscaler needs in a cloud (alarms, topics, IAM)'),
    teardown: program.command('teardown').description('Remove exactly what setup created'),
    sandbox: program.command('sandbox').description('Start a local wire-level fake of a cloud API to try the autoscaler without an account'),
    status: program.command('status').description('Show capacity, state and recent actions of targets'),
  };
  for (const c of clouds) {
    const cli = c.loaded ?? loaded.get(c.name);
    if (cli) cli.register({ program, ...parents });
    else {
      for (const [verb, description] of Object.entries(c.commands)) standIn(parents[verb as CloudVerb], c.name, description, c);
      for (const [name, description] of Object.entries(c.programCommands))
        if (!program.commands.some((p) => p.name() === name)) standIn(program, name, description, c);
    }
  }
  for (const [verb, parent] of Object.entries(parents)) acceptCloudAliases(verb, parent);
  registerExportCommand(program, io);
  const scale = program
    .command('scale')
    .description(
      `Change a target on demand and wait until the change is done; the cloud is picked from the id (${clouds.map((c) => c.name).join(', ')}), or named with --cloud`,
    )
    .argument('<id>', 'target id')
    .option('--replicas <n>', 'instance count / replicas')
    .option(
      '--size <size>',
      clouds
        .filter((c) => c.size)
        .map((c) => `${c.size!.name} (${c.name})`)
        .join(', '),
    );
  // Each cloud's own name for --size, and the options it adds: all from the registry.
  for (const c of clouds) if (c.size?.flag) scale.option(`${c.size.flag} <${c.size.name.replace(/\W+/g, '-')}>`, `alias of --size for ${c.name}`);
  const cloudOptions = new Map<string, string[]>();
  for (const c of clouds) for (const o of c.scaleOptions) cloudOptions.set(o.flags, [...(cloudOptions.get(o.flags) ?? []), `${o.description} (${c.name})`]);
  for (const [flags, descriptions] of cloudOptions) scale.option(flags, descriptions.join('; '));
  scale
    .option('--no-wait', 'return once the change is accepted')
    .option('--endpoint <url>', 'API endpoint (e.g. a sandbox)')
    .option('--region <region>', 'region')
    .option('--config <file>', 'cloud config file (OCI config, kubeconfig)')
    .option('--cloud <name>', `the target's cloud: ${cloudNames()}`)
    .option('--json', 'print the result as JSON')
    .action(async (id: string, opts: Record<string, unknown>) => {
      // Only the cloud the id is for is loaded: picked by --cloud, or by the id's shape.
      let cloud: CloudEntry | undefined;
      if (typeof opts['cloud'] === 'string') cloud = resolveCloud(opts['cloud'], '--cloud');
      else {
        cloud = clouds.find((c) => c.claimsId(id));
        if (!cloud) throw ValidationError.field('id', `"${id}" is not a target id of any cloud: ${clouds.map((c) => `${c.name}: ${c.idFormat}`).join('; ')}`);
      }
      await cloud.validateId(id, 'id');
      const cli = await cloud.load();
      if (!cli.scale) throw ValidationError.field('id', `${cloud.name} cannot scale on demand`);
      const sizeFlag = cloud.size?.flag ? camel(cloud.size.flag) : undefined;
      const size = (opts['size'] ?? (sizeFlag ? opts[sizeFlag] : undefined)) as string | undefined;
      for (const other of clouds) {
        if (other !== cloud && other.size?.flag && opts[camel(other.size.flag)] !== undefined)
          throw ValidationError.field(
            other.size.flag,
            `is for ${other.name}; ${id} is a target of ${cloud.name}: use --size${sizeFlag ? ` or ${cloud.size!.flag}` : ''}`,
          );
      }
      const replicas = opts['replicas'] === undefined ? undefined : parseIntFlag(textOf(opts['replicas']), '--replicas');
      const bandwidthMbps = opts['bandwidth'] === undefined ? undefined : parseIntFlag(textOf(opts['bandwidth']), '--bandwidth');
      if (replicas === undefined && size === undefined && bandwidthMbps === undefined)
        throw ValidationError.field('--replicas', 'give --replicas, --size and/or --bandwidth');
      await cli.scale({
        id,
        ...(replicas !== undefined ? { replicas } : {}),
        ...(size !== undefined ? { size } : {}),
        ...(bandwidthMbps !== undefined ? { bandwidthMbps } : {}),
        wait: opts['wait'] !== false,
        json: Boolean(opts['json']),
        options: opts,
      });
    });

  return program;
}

/** Run the CLI; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIO = processIO): Promise<number> {
  const loaded = new Map<string, CloudCli>();
  for (;;) {
    try {
      try {
        await buildProgram(io, loaded).parseAsync([...argv], { from: 'user' });
        return 0;
      } catch (e) {
        if (!(e instanceof NeedCloud) || loaded.has(e.cloud.name)) throw e;
        loaded.set(e.cloud.name, await e.cloud.load());
      }
    } catch (e) {
      if (e instanceof CommanderError) return e.exitCode;
      return reportError(io, e, argv.includes('--json'));
    }
  }
}
