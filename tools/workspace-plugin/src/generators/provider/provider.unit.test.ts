import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logger, readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import * as ts from 'typescript';
import { CLOUD_REGISTRY, CLOUD_REGISTRY_MARKER, providerGenerator, providerNames } from './provider';

const workspaceRoot = join(__dirname, '..', '..', '..', '..', '..');
const realRegistry = readFileSync(join(workspaceRoot, CLOUD_REGISTRY), 'utf8');

function workspace(registry: string | null = realRegistry): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write(
    'tsconfig.base.json',
    JSON.stringify({
      compilerOptions: { paths: { '@autoscaler/core': ['packages/core/src/index.ts'], '@autoscaler/*/testing': ['packages/*/src/testing/index.ts'] } },
    }),
  );
  if (registry !== null) tree.write(CLOUD_REGISTRY, registry);
  return tree;
}

const PACKAGE_FILES = [
  'README.md',
  'jest.config.js',
  'package.json',
  'project.json',
  'src/alarm-source.conformance.unit.test.ts',
  'src/alarm-source.ts',
  'src/index.ts',
  'src/provider.conformance.int.test.ts',
  'src/provider.ts',
  'src/testing/conformance-fixture.ts',
  'src/testing/fake-server.int.test.ts',
  'src/testing/fake-server.ts',
  'src/testing/index.ts',
  'test/fixtures/README.md',
  'test/fixtures/alarm.json',
  'tsconfig.json',
  'tsconfig.lib.json',
];

function filesUnder(tree: Tree, dir: string): string[] {
  return tree.children(dir).flatMap((c) => (tree.isFile(`${dir}/${c}`) ? [`${dir}/${c}`] : filesUnder(tree, `${dir}/${c}`)));
}

describe('provider generator', () => {
  it('creates the package with every file, fully substituted', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'azure-ml' });
    const root = 'packages/provider-azure-ml';
    expect(
      filesUnder(tree, root)
        .map((f) => f.slice(root.length + 1))
        .sort(),
    ).toEqual(PACKAGE_FILES);
    for (const f of [...filesUnder(tree, root), 'docs/azure-ml.md', 'packages/cli/src/clouds/azure-ml.ts']) {
      const text = tree.read(f, 'utf-8')!;
      expect({ f, leftover: /<%|%>|__name__|__tmpl__/.test(text) }).toEqual({ f, leftover: false });
    }
    const provider = tree.read(`${root}/src/provider.ts`, 'utf-8')!;
    expect(provider).toContain('export class AzureMlProvider implements Provider');
    expect(provider).toContain("readonly name = 'azure-ml';");
    expect(provider).toContain("throw new ProviderError('not implemented: describe');");
    expect(tree.read(`${root}/src/alarm-source.ts`, 'utf-8')).toContain("throw new ProviderError('not implemented: parse');");
    expect(tree.read(`${root}/src/provider.conformance.int.test.ts`, 'utf-8')).toContain("runProviderConformance('azure-ml', azureMlConformanceFixture);");
    expect(tree.read(`${root}/src/alarm-source.conformance.unit.test.ts`, 'utf-8')).toContain('runAlarmSourceConformance(');
    expect(tree.read(`${root}/README.md`, 'utf-8')).toContain('# @autoscaler/provider-azure-ml');
    expect(tree.read('docs/azure-ml.md', 'utf-8')).toMatch(/^# Azure Ml\n/);
  });

  it('gives the project its boundary tag, the four targets and the ./testing export', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'vertex-ai', title: 'Vertex AI' });
    const project = readJson(tree, 'packages/provider-vertex-ai/project.json');
    expect(project).toMatchObject({ name: 'provider-vertex-ai', sourceRoot: 'packages/provider-vertex-ai/src', tags: ['type:provider'] });
    expect(Object.keys(project.targets).sort()).toEqual(['build', 'lint', 'test', 'typecheck']);
    const pkg = readJson(tree, 'packages/provider-vertex-ai/package.json');
    expect(pkg.name).toBe('@autoscaler/provider-vertex-ai');
    expect(Object.keys(pkg.exports)).toEqual(['.', './testing', './package.json']);
    // The wire fake under src/testing ships behind ./testing and uses the kit's helpers at run time.
    expect(pkg.dependencies).toEqual({ '@autoscaler/core': '0.1.0', '@autoscaler/testing': '0.1.0' });
    // moduleResolution node10 (what tsc builds with here) reads subpaths through typesVersions.
    expect(pkg.typesVersions).toEqual({ '*': { testing: ['dist/testing/index.d.ts'] } });
    // Configured exactly like the existing packages.
    const existing = (f: string) => readFileSync(join(workspaceRoot, 'packages/testing', f), 'utf8');
    expect(tree.read('packages/provider-vertex-ai/jest.config.js', 'utf-8')).toBe(existing('jest.config.js').replace("'testing'", "'provider-vertex-ai'"));
    expect(readJson(tree, 'packages/provider-vertex-ai/tsconfig.json')).toEqual(JSON.parse(existing('tsconfig.json')));
    expect(readJson(tree, 'packages/provider-vertex-ai/tsconfig.lib.json')).toEqual(JSON.parse(existing('tsconfig.lib.json')));
    expect(tree.read('docs/vertex-ai.md', 'utf-8')).toMatch(/^# Vertex AI\n/);
  });

  it('adds the tsconfig path before the wildcard entries', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    const paths = readJson(tree, 'tsconfig.base.json').compilerOptions.paths as Record<string, string[]>;
    expect(Object.keys(paths)).toEqual(['@autoscaler/core', '@autoscaler/provider-acme', '@autoscaler/*/testing']);
    expect(paths['@autoscaler/provider-acme']).toEqual(['packages/provider-acme/src/index.ts']);
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
    expect(stub).toContain("from '@autoscaler/provider-acme/testing'");
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
    const tsFiles = [...filesUnder(tree, 'packages/provider-acme').filter((f) => f.endsWith('.ts')), 'packages/cli/src/clouds/acme.ts', CLOUD_REGISTRY];
    for (const f of tsFiles) {
      const out = ts.transpileModule(tree.read(f, 'utf-8')!, {
        fileName: f,
        reportDiagnostics: true,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
      });
      expect({ f, diagnostics: (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')) }).toEqual({ f, diagnostics: [] });
    }
    for (const f of filesUnder(tree, 'packages/provider-acme').filter((x) => x.endsWith('.json')))
      expect(() => JSON.parse(tree.read(f, 'utf-8')!)).not.toThrow();
  });

  it.each(['Acme', 'azure_ml', '1cloud', 'a--b', '-a', 'a-', '', 'x'.repeat(41), 'has space'])('rejects the name %j with a clear error', async (name) => {
    await expect(providerGenerator(workspace(), { name })).rejects.toThrow(/invalid provider name .*lowercase letters, digits and single dashes/);
  });

  it('refuses to overwrite an existing provider package', async () => {
    const tree = workspace();
    await providerGenerator(tree, { name: 'acme' });
    await expect(providerGenerator(tree, { name: 'acme' })).rejects.toThrow('packages/provider-acme already exists');
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
      title: 'Azure Ml',
      projectName: 'provider-azure-ml',
      projectRoot: 'packages/provider-azure-ml',
      packageName: '@autoscaler/provider-azure-ml',
    });
  });
});
