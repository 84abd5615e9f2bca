import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as ts from 'typescript';
import {
  CLI_PACKAGE_JSON,
  CLOUD_REGISTRY,
  CLOUD_REGISTRY_MARKER,
  PROVIDER_NAME,
  providerGenerator,
  providerNames,
} from '../../../src/generators/provider/provider';

const workspaceRoot = join(__dirname, '..', '..', '..', '..', '..');
const realRegistry = readFileSync(join(workspaceRoot, CLOUD_REGISTRY), 'utf8');
const realCliPackage = readFileSync(join(workspaceRoot, CLI_PACKAGE_JSON), 'utf8');

function workspace(registry: string | null = realRegistry): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(
    'tsconfig.base.json',
    `${JSON.stringify(
      { compilerOptions: { paths: { '@autoscaler/core': ['packages/core/src/index.ts'], '@autoscaler/*/testing': ['packages/*/src/testing/index.ts'] } } },
      null,
      2,
    )}\n`,
  );
  if (registry !== null) {
    tree.write(CLOUD_REGISTRY, registry);
    tree.write(CLI_PACKAGE_JSON, realCliPackage);
  }
  return tree;
}

const PROVIDER_FILES = [
  'README.md',
  'jest.config.js',
  'package.json',
  'project.json',
  'src/alarm-source.ts',
  'src/client.ts',
  'src/ids.ts',
  'src/index.ts',
  'src/metric-source.ts',
  'src/provider.ts',
  'src/testing/conformance-fixture.ts',
  'test/alarm-source.conformance.unit.test.ts',
  'test/alarm-source.int.test.ts',
  'test/client.int.test.ts',
  'test/fixtures/README.md',
  'test/fixtures/alarm.json',
  'test/metric-source.conformance.int.test.ts',
  'test/provider.conformance.int.test.ts',
  'tsconfig.json',
  'tsconfig.lib.json',
];
const SANDBOX_FILES = [
  'README.md',
  'jest.config.js',
  'package.json',
  'project.json',
  'src/fake-api.ts',
  'src/index.ts',
  'src/seed.ts',
  'test/fake-api.int.test.ts',
  'tsconfig.json',
  'tsconfig.lib.json',
];

function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((c) => (tree.isFile(`${dir}/${c}`) ? [`${dir}/${c}`] : filesUnder(tree, `${dir}/${c}`)));
}

describe('provider generator', () => {
  // Formatting needs Prettier's ESM entry, which jest cannot load: the e2e test checks it on disk.
  const skipFormat = process.env['NX_SKIP_FORMAT'];
  beforeAll(() => {
    process.env['NX_SKIP_FORMAT'] = 'true';
  });
  afterAll(() => {
    if (skipFormat === undefined) delete process.env['NX_SKIP_FORMAT'];
    else process.env['NX_SKIP_FORMAT'] = skipFormat;
  });

  it('creates the provider and the sandbox package with every file, fully substituted', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'azure-ml' });
    const root = 'packages/provider-azure-ml';
    const sandbox = 'packages/sandbox-azure-ml';
    const under = (dir: string) =>
      filesUnder(tree, dir)
        .map((f) => f.slice(dir.length + 1))
        .sort();
    expect(under(root)).toEqual(PROVIDER_FILES);
    expect(under(sandbox)).toEqual(SANDBOX_FILES);
    for (const f of [...filesUnder(tree, root), ...filesUnder(tree, sandbox), 'docs/azure-ml.md', 'packages/cli/src/clouds/azure-ml.ts']) {
      const text = tree.read(f, 'utf-8')!;
      expect({ f, leftover: /<%|%>|__name__|__tmpl__/.test(text) }).toEqual({ f, leftover: false });
    }
    const provider = tree.read(`${root}/src/provider.ts`, 'utf-8')!;
    expect(provider).toContain('export class AzureMlProvider implements Provider');
    expect(provider).toContain('readonly name = AZURE_ML_PROVIDER;');
    expect(tree.read(`${root}/src/ids.ts`, 'utf-8')).toContain("export const AZURE_ML_PROVIDER = 'azure-ml';");
    expect(tree.read(`${root}/test/provider.conformance.int.test.ts`, 'utf-8')).toContain("runProviderConformance('azure-ml', azureMlConformanceFixture);");
    expect(tree.read(`${root}/test/metric-source.conformance.int.test.ts`, 'utf-8')).toContain("runMetricSourceConformance('azure-ml', azureMlMetricFixture);");
    expect(tree.read(`${root}/test/alarm-source.conformance.unit.test.ts`, 'utf-8')).toContain('runAlarmSourceConformance(');
    // Capability flags are declared, so a cloud with a fixed size flips one flag instead of editing the kit.
    expect(tree.read(`${root}/src/testing/conformance-fixture.ts`, 'utf-8')).toContain('capabilities: { resize: true }');
    // The fake speaks HTTPS with its own certificate by default.
    expect(tree.read(`${sandbox}/src/fake-api.ts`, 'utf-8')).toContain('tls = true');
    expect(tree.read(`${sandbox}/src/seed.ts`, 'utf-8')).toContain('export const demoSeed: AzureMlSandboxSeed = {');
    expect(tree.read(`${root}/README.md`, 'utf-8')).toContain('# @autoscaler/provider-azure-ml');
    expect(tree.read('docs/azure-ml.md', 'utf-8')).toMatch(/^# Azure Ml\n/);
  });

  it('tags the provider type:provider and the fake type:sandbox (private, never a runtime dependency of the provider)', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'vertex-ai', title: 'Vertex AI' });
    const project = readJson(tree, 'packages/provider-vertex-ai/project.json');
    expect(project).toMatchObject({ name: 'provider-vertex-ai', sourceRoot: 'packages/provider-vertex-ai/src', tags: ['type:provider'] });
    expect(Object.keys(project.targets).sort()).toEqual(['build', 'lint', 'test', 'typecheck']);
    expect(readJson(tree, 'packages/sandbox-vertex-ai/project.json')).toMatchObject({ name: 'sandbox-vertex-ai', tags: ['type:sandbox'] });
    const pkg = readJson(tree, 'packages/provider-vertex-ai/package.json');
    expect(pkg.name).toBe('@autoscaler/provider-vertex-ai');
    expect(Object.keys(pkg.exports)).toEqual(['.', './package.json']);
    expect(pkg.dependencies).toEqual({ '@autoscaler/core': '0.1.0', zod: expect.any(String) });
    expect(pkg.devDependencies).toEqual({ '@autoscaler/testing': '0.1.0', '@autoscaler/sandbox-vertex-ai': '0.1.0' });
    const sandbox = readJson(tree, 'packages/sandbox-vertex-ai/package.json');
    expect(sandbox).toMatchObject({
      name: '@autoscaler/sandbox-vertex-ai',
      private: true,
      dependencies: { '@autoscaler/core': '0.1.0', '@autoscaler/testing': '0.1.0' },
    });
    // Configured like the existing packages; the provider's build leaves out its test-only fixture.
    const existing = (f: string) => readFileSync(join(workspaceRoot, 'packages/testing', f), 'utf8');
    expect(tree.read('packages/provider-vertex-ai/jest.config.js', 'utf-8')).toBe(existing('jest.config.js').replace("'testing'", "'provider-vertex-ai'"));
    expect(tree.read('packages/sandbox-vertex-ai/jest.config.js', 'utf-8')).toBe(existing('jest.config.js').replace("'testing'", "'sandbox-vertex-ai'"));
    expect(readJson(tree, 'packages/provider-vertex-ai/tsconfig.json')).toEqual(JSON.parse(existing('tsconfig.json')));
    const lib = JSON.parse(existing('tsconfig.lib.json')) as { exclude: string[] };
    expect(readJson(tree, 'packages/provider-vertex-ai/tsconfig.lib.json')).toEqual({ ...lib, exclude: [...lib.exclude, 'src/testing/**'] });
    expect(readJson(tree, 'packages/sandbox-vertex-ai/tsconfig.lib.json')).toEqual(lib);
    expect(tree.read('docs/vertex-ai.md', 'utf-8')).toMatch(/^# Vertex AI\n/);
  });

  it('adds both packages to the CLI dependencies, keeping the others', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    const before = JSON.parse(realCliPackage) as { dependencies: Record<string, string> };
    expect(readJson(tree, CLI_PACKAGE_JSON).dependencies).toEqual({
      ...before.dependencies,
      '@autoscaler/provider-acme': '0.1.0',
      '@autoscaler/sandbox-acme': '0.1.0',
    });
  });

  it('adds both tsconfig paths before the wildcard entries and keeps the last newline', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    const paths = readJson(tree, 'tsconfig.base.json').compilerOptions.paths as Record<string, string[]>;
    expect(Object.keys(paths)).toEqual(['@autoscaler/core', '@autoscaler/provider-acme', '@autoscaler/sandbox-acme', '@autoscaler/*/testing']);
    expect(paths['@autoscaler/provider-acme']).toEqual(['packages/provider-acme/src/index.ts']);
    expect(paths['@autoscaler/sandbox-acme']).toEqual(['packages/sandbox-acme/src/index.ts']);
    expect(tree.read('tsconfig.base.json', 'utf-8')).toMatch(/\}\n$/);
  });

  it('registers the cloud with the CLI at the marker, keeping the marker for the next one', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    await providerGenerator(tree, { name: 'azure-ml' });
    const registry = tree.read(CLOUD_REGISTRY, 'utf-8')!;
    expect(registry).toContain("import { acmeCloud } from './acme';");
    expect(registry).toContain("import { azureMlCloud } from './azure-ml';");
    const lines = registry.split('\n').map((l) => l.trim());
    const marker = lines.indexOf(CLOUD_REGISTRY_MARKER);
    expect(lines.slice(marker - 2, marker + 1)).toEqual(['acmeCloud,', 'azureMlCloud,', CLOUD_REGISTRY_MARKER]);
    // Imports stay above the code.
    expect(registry.indexOf("from './azure-ml';")).toBeLessThan(registry.indexOf('export const clouds'));
    const stub = tree.read('packages/cli/src/clouds/acme.ts', 'utf-8')!;
    expect(stub).toContain('export const acmeCloud: CloudCli = {');
    expect(stub).toContain("from '@autoscaler/provider-acme'");
    // The sandbox starts from the demo seed the fake exports, loaded only when the command runs.
    expect(stub).toContain("import('@autoscaler/sandbox-acme')");
    expect(stub).toContain('seed: demoSeed');
  });

  it('inserts the import after a multi-line import block', async () => {
    const registry = [
      "import type { CloudCli } from './types';",
      'import {',
      '  awsCloud,',
      "} from './aws';",
      '',
      'export const clouds: readonly CloudCli[] = [',
      '  awsCloud,',
      `  ${CLOUD_REGISTRY_MARKER}`,
      '];',
      "export type { CloudCli } from './types';",
    ].join('\n');
    const tree = workspace(registry);
    await providerGenerator(tree, { name: 'acme' });
    expect(tree.read(CLOUD_REGISTRY, 'utf-8')!.split('\n').slice(2, 7)).toEqual([
      '  awsCloud,',
      "} from './aws';",
      "import { acmeCloud } from './acme';",
      '',
      'export const clouds: readonly CloudCli[] = [',
    ]);
  });

  it('generates TypeScript without syntax errors', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    const tsFiles = [
      ...[...filesUnder(tree, 'packages/provider-acme'), ...filesUnder(tree, 'packages/sandbox-acme')].filter((f) => f.endsWith('.ts')),
      'packages/cli/src/clouds/acme.ts',
      CLOUD_REGISTRY,
    ];
    for (const f of tsFiles) {
      const out = ts.transpileModule(tree.read(f, 'utf-8')!, {
        fileName: f,
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      });
      expect({ f, diagnostics: (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) }).toEqual({ f, diagnostics: [] });
    }
    for (const f of [...filesUnder(tree, 'packages/provider-acme'), ...filesUnder(tree, 'packages/sandbox-acme')].filter((x) => x.endsWith('.json')))
      expect(() => JSON.parse(tree.read(f, 'utf-8')!)).not.toThrow();
  });

  it.each(['Acme', 'azure_ml', '1cloud', 'a--b', '-a', 'a-', '', 'x'.repeat(41), 'has space'])('rejects the name %j with a clear error', async (name) => {
    await expect(providerGenerator(workspace(), { name })).rejects.toThrow(/invalid provider name .*lowercase letters, digits and single dashes/);
  });

  it('refuses to overwrite an existing provider or sandbox package', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    await expect(providerGenerator(tree, { name: 'acme' })).rejects.toThrow('packages/provider-acme already exists');
    const other = workspace();
    other.write('packages/sandbox-acme/package.json', '{}');
    await expect(providerGenerator(other, { name: 'acme' })).rejects.toThrow('packages/sandbox-acme already exists');
  });

  it.each(['aws', 'k8s', 'kubernetes', 'sagemaker', 'oci-data-science'])('refuses %j, a name the CLI already answers to', async (name) => {
    await expect(providerGenerator(workspace(), { name })).rejects.toThrow(/is taken by a cloud of the CLI|is already a name, alias or provider of a cloud/);
  });

  it('checks names with the same pattern as schema.json (what nx validates on the command line)', () => {
    const schema = JSON.parse(readFileSync(join(__dirname, '../../../src/generators/provider/schema.json'), 'utf8')) as {
      properties: { name: { pattern: string; maxLength: number } };
    };
    expect(schema.properties.name.pattern).toBe(PROVIDER_NAME.source);
    expect(schema.properties.name.maxLength).toBe(40);
  });

  it('fails clearly when the registry lost its marker, and still works without a CLI', async () => {
    await expect(providerGenerator(workspace('export const clouds = [];\n'), { name: 'acme' })).rejects.toThrow(`has no "${CLOUD_REGISTRY_MARKER}" line`);
    const bare = workspace(null);
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    await providerGenerator(bare, { name: 'acme' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('not registered with the CLI'));
    expect(bare.exists('packages/provider-acme/src/provider.ts')).toBe(true);
    expect(bare.exists('packages/cli/src/clouds/acme.ts')).toBe(false);
  });

  it('derives every spelling from the name', () => {
    expect(providerNames({ name: 'azure-ml' })).toEqual({
      name: 'azure-ml',
      className: 'AzureMl',
      propertyName: 'azureMl',
      constantName: 'AZURE_ML',
      title: 'Azure Ml',
      projectName: 'provider-azure-ml',
      projectRoot: 'packages/provider-azure-ml',
      packageName: '@autoscaler/provider-azure-ml',
      sandboxProjectName: 'sandbox-azure-ml',
      sandboxRoot: 'packages/sandbox-azure-ml',
      sandboxPackage: '@autoscaler/sandbox-azure-ml',
    });
  });
});
