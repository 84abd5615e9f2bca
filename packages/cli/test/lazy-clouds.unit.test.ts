import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { clouds, type CloudEntry } from '../src/clouds';
import { captureIO } from './support';

/** The registry's light lines load no cloud module; they must say what the modules really do. */

const SAMPLE_IDS = [
  'endpoint/my-endpoint/variant/AllTraffic',
  'endpoint/a/variant/b/c',
  'ocid1.datasciencemodeldeployment.oc1.iad.amaaaaaaexampleuniqueid1234567890',
  'ocid1.datasciencemodeldeployment.oc1',
  'ml/deployment/model-server',
  'ml/statefulset/db',
  'ml/cronjob/x',
  'Ml/deployment/UPPER',
  'gcp-thing',
];

describe('lazy cloud registry', () => {
  it('--help and setup --help load no cloud module; a command for one cloud loads that one', async () => {
    await jest.isolateModulesAsync(async () => {
      for (const m of ['../src/clouds/aws', '../src/clouds/oci', '../src/clouds/kubernetes']) {
        jest.doMock(m, () => {
          throw new Error(`${m} was loaded`);
        });
      }
      const { runCli } = await import('../src/program');
      const help = captureIO();
      expect(await runCli(['--help'], help)).toBe(0);
      expect(help.stdout.join(' ').replace(/\s+/g, ' ')).toContain('aws (aws-sagemaker, sagemaker), k8s (kubernetes), oci (oci-data-science)');
      const setup = captureIO();
      expect(await runCli(['setup', '--help'], setup)).toBe(0);
      expect(setup.stdout.join('\n')).toMatch(/aws\|aws-sagemaker[\s\S]*oci\|oci-data-science/);
      // A command for one cloud loads that cloud: here the stand-in mock fails, which shows it was asked for.
      const aws = captureIO();
      expect(await runCli(['teardown', 'aws', '--help'], aws)).not.toBe(0);
      expect(aws.stderr.join('\n')).toContain('clouds/aws was loaded');
      // scale picks the cloud from the id and loads only that one.
      const scale = captureIO();
      expect(await runCli(['scale', 'ml/deployment/model-server', '--replicas', '2', '--no-wait'], scale)).not.toBe(0);
      expect(scale.stderr.join('\n')).toContain('clouds/kubernetes was loaded');
    });
    for (const m of ['../src/clouds/aws', '../src/clouds/oci', '../src/clouds/kubernetes']) jest.dontMock(m);
  });

  it.each(clouds.map((c) => [c.name, c] as const))('%s: the light line agrees with the loaded module', async (_name, cloud: CloudEntry) => {
    const cli = await cloud.load();
    expect(cli.name).toBe(cloud.name);
    expect(cli.provider).toBe(cloud.provider);
    for (const a of cli.aliases ?? []) expect(cloud.aliases).toContain(a);
    // The id a module accepts is one the light line claims (so scale loads the right cloud).
    for (const id of SAMPLE_IDS) if (cli.matchesId?.(id)) expect(cloud.claimsId(id)).toBe(true);
    // The commands it registers are the ones the stand-ins list, with the same descriptions.
    const program = new Command('autoscaler');
    const parents = {
      setup: program.command('setup'),
      teardown: program.command('teardown'),
      sandbox: program.command('sandbox'),
      status: program.command('status'),
    };
    cli.register({ program, ...parents });
    // A generated cloud is loaded with the CLI and registers its real commands: it has no stand-ins to agree with.
    if (cloud.loaded) return;
    const registered = Object.fromEntries(Object.entries(parents).flatMap(([verb, p]) => p.commands.map((c) => [verb, c.description()])));
    expect(registered).toEqual(cloud.commands);
    const top = Object.fromEntries(program.commands.filter((c) => !(c.name() in parents)).map((c) => [c.name(), c.description()]));
    expect(top).toEqual(cloud.programCommands);
  });

  it('a cloud without a verb points to its own docs page, named by the registry (and the page exists)', async () => {
    const { runCli } = await import('../src/program');
    const io = captureIO();
    expect(await runCli(['setup', 'kubernetes'], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(
      'k8s has no "setup" command (setup is for aws (aws-sagemaker, sagemaker), oci (oci-data-science)); see docs/kubernetes.md',
    );
    for (const c of clouds) expect(existsSync(join(__dirname, '..', '..', '..', c.docs ?? `docs/${c.name}.md`))).toBe(true);
  });

  it('a loaded cloud answers help with its real options', async () => {
    const { runCli } = await import('../src/program');
    const io = captureIO();
    expect(await runCli(['sandbox', 'kubernetes', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toContain('--kubeconfig-out <file>');
  });
});
