import * as path from 'node:path';
import { formatFiles, generateFiles, logger, names, updateJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import type { ProviderGeneratorSchema } from './schema';

/** Lowercase letters, digits and single dashes, starting with a letter: it becomes a package name, a tag value and a `TargetRef.provider`. */
export const PROVIDER_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const CLOUD_REGISTRY = 'packages/cli/src/clouds/index.ts';
export const CLOUD_REGISTRY_MARKER = '// <cloud-registry>';
export const CLI_PACKAGE_JSON = 'packages/cli/package.json';

export interface ProviderNames {
  /** `azure-ml` */
  name: string;
  /** `AzureMl` */
  className: string;
  /** `azureMl` */
  propertyName: string;
  /** `AZURE_ML`: constants and environment variables */
  constantName: string;
  /** `Azure Ml` unless given */
  title: string;
  /** `provider-azure-ml` */
  projectName: string;
  /** `packages/provider-azure-ml` */
  projectRoot: string;
  /** `@autoscaler/provider-azure-ml` */
  packageName: string;
  /** `sandbox-azure-ml`: the private package holding the wire fake */
  sandboxProjectName: string;
  /** `packages/sandbox-azure-ml` */
  sandboxRoot: string;
  /** `@autoscaler/sandbox-azure-ml` */
  sandboxPackage: string;
}

/** Checks the name and derives every spelling the templates need. */
export function providerNames(schema: ProviderGeneratorSchema): ProviderNames {
  const raw: unknown = schema?.name;
  if (typeof raw !== 'string' || !PROVIDER_NAME.test(raw) || raw.length > 40) {
    throw new Error(
      `invalid provider name ${JSON.stringify(raw)}: use lowercase letters, digits and single dashes, starting with a letter, at most 40 characters (e.g. azure-ml, vertex-ai)`,
    );
  }
  const n = names(raw);
  return {
    name: raw,
    className: n.className,
    propertyName: n.propertyName,
    constantName: n.constantName,
    title:
      schema.title?.trim() ||
      raw
        .split('-')
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join(' '),
    projectName: `provider-${raw}`,
    projectRoot: `packages/provider-${raw}`,
    packageName: `@autoscaler/provider-${raw}`,
    sandboxProjectName: `sandbox-${raw}`,
    sandboxRoot: `packages/sandbox-${raw}`,
    sandboxPackage: `@autoscaler/sandbox-${raw}`,
  };
}

/** `nx g @autoscaler/workspace-plugin:provider <name>` */
export async function providerGenerator(tree: Tree, schema: ProviderGeneratorSchema): Promise<GeneratorCallback> {
  const n = providerNames(schema);
  for (const root of [n.projectRoot, n.sandboxRoot]) if (tree.exists(root)) throw new Error(`${root} already exists: pick another name or remove it first`);
  refuseTakenCloudName(tree, n);

  const substitutions = { ...n, tmpl: '' };
  const files = path.join(__dirname, 'files');
  generateFiles(tree, path.join(files, 'provider'), n.projectRoot, substitutions);
  generateFiles(tree, path.join(files, 'sandbox'), n.sandboxRoot, substitutions);
  if (!tree.exists(`docs/${n.name}.md`)) generateFiles(tree, path.join(files, 'docs'), 'docs', substitutions);
  addTsconfigPaths(tree, n);
  const registered = registerWithCli(tree, n, path.join(files, 'cli'), substitutions);
  // The tree is checked with Prettier: write what `npm run format` would.
  await formatFiles(tree);

  return () => {
    logger.info(
      [
        `Created ${n.projectRoot} and ${n.sandboxRoot}${registered ? `, registered "${n.name}" in ${CLOUD_REGISTRY}` : ''}.`,
        `Check: npx nx run-many -t lint typecheck test -p ${n.projectName} ${n.sandboxProjectName}`,
        'Then npm install (adds the two workspace packages to package-lock.json). Guide: docs/adding-a-provider.md',
      ].join('\n'),
    );
  };
}

/**
 * A name the CLI already answers to (`aws`, `k8s`, `sagemaker`, `oci-data-science`, ...) would
 * overwrite that cloud's CLI file or make two clouds answer to one name.
 */
function refuseTakenCloudName(tree: Tree, n: ProviderNames): void {
  const file = `${path.posix.dirname(CLOUD_REGISTRY)}/${n.name}.ts`;
  if (tree.exists(file)) throw new Error(`${file} already exists: "${n.name}" is taken by a cloud of the CLI, pick another name`);
  const registry = tree.read(CLOUD_REGISTRY, 'utf-8');
  if (registry !== null && new RegExp(`['"]${n.name}['"]`).test(registry))
    throw new Error(`"${n.name}" is already a name, alias or provider of a cloud in ${CLOUD_REGISTRY}: pick another name`);
}

/** Adds both packages to tsconfig.base.json paths, before the wildcard entries, keeping the file's last newline. */
function addTsconfigPaths(tree: Tree, n: ProviderNames): void {
  if (!tree.exists('tsconfig.base.json')) {
    logger.warn('tsconfig.base.json not found: add the path mapping for the new package by hand');
    return;
  }
  updateJson(tree, 'tsconfig.base.json', (json: { compilerOptions?: { paths?: Record<string, string[]> } }) => {
    const compilerOptions = (json.compilerOptions ??= {});
    const paths = compilerOptions.paths ?? {};
    const entries = Object.entries(paths).filter(([k]) => k !== n.packageName && k !== n.sandboxPackage);
    const firstWildcard = entries.findIndex(([k]) => k.includes('*'));
    const at = firstWildcard === -1 ? entries.length : firstWildcard;
    entries.splice(at, 0, [n.packageName, [`${n.projectRoot}/src/index.ts`]], [n.sandboxPackage, [`${n.sandboxRoot}/src/index.ts`]]);
    compilerOptions.paths = Object.fromEntries(entries);
    return json;
  });
  const text = tree.read('tsconfig.base.json', 'utf-8')!;
  if (!text.endsWith('\n')) tree.write('tsconfig.base.json', `${text}\n`);
}

/**
 * Writes packages/cli/src/clouds/<name>.ts and lists it in the cloud registry
 * at the marker line (kept, so the next provider lands there too).
 */
function registerWithCli(tree: Tree, n: ProviderNames, templates: string, substitutions: Record<string, string>): boolean {
  const registry = tree.read(CLOUD_REGISTRY, 'utf-8');
  if (registry === null) {
    logger.warn(`${CLOUD_REGISTRY} not found: the provider is not registered with the CLI`);
    return false;
  }
  const lines = registry.split('\n');
  const marker = lines.findIndex((l) => l.trim() === CLOUD_REGISTRY_MARKER);
  if (marker === -1) {
    throw new Error(`${CLOUD_REGISTRY} has no "${CLOUD_REGISTRY_MARKER}" line inside the clouds array: put it back so generators can register clouds`);
  }
  const symbol = `${n.propertyName}Cloud`;
  const importLine = `import { ${symbol} } from './${n.name}';`;
  const indent = /^\s*/.exec(lines[marker]!)?.[0] ?? '  ';
  if (!lines.some((l) => l.trim() === `${symbol},`)) lines.splice(marker, 0, `${indent}${symbol},`);
  if (!lines.includes(importLine)) {
    // After the last line that ends an import (single- or multi-line) above the registry.
    let lastImport = -1;
    lines.forEach((l, i) => {
      if (i < marker && (/^import\s.*['"];?\s*$/.test(l) || /^\}\s*from\s+['"][^'"]+['"];?\s*$/.test(l))) lastImport = i;
    });
    lines.splice(lastImport + 1, 0, importLine);
  }
  tree.write(CLOUD_REGISTRY, lines.join('\n'));
  generateFiles(tree, templates, path.dirname(CLOUD_REGISTRY), substitutions);
  // The CLI imports both packages: declare them, so the workspace's dependency graph and npm agree.
  if (tree.exists(CLI_PACKAGE_JSON))
    updateJson(tree, CLI_PACKAGE_JSON, (pkg: { dependencies?: Record<string, string> }) => {
      pkg.dependencies = { ...pkg.dependencies, [n.packageName]: '0.1.0', [n.sandboxPackage]: '0.1.0' };
      return pkg;
    });
  else logger.warn(`${CLI_PACKAGE_JSON} not found: add ${n.packageName} and ${n.sandboxPackage} to the CLI's dependencies by hand`);
  return true;
}
