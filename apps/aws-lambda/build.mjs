// Bundle the Lambda handler with esbuild.
//   node build.mjs                 -> dist/lambda/index.mjs   (ESM, minified, tree-shaken, @aws-sdk/* bundled: a pinned SDK)
//   node build.mjs --sdk-external  -> dist/lambda-ext/index.mjs (same, but @aws-sdk/* and @smithy/* left to the Node 20 runtime's SDK v3)
//   node build.mjs --default       -> dist/lambda-default/index.js (esbuild defaults: bundle only, CJS, no minify: the bench baseline)
import { build } from 'esbuild';
import { zodEnglishOnly } from '../../scripts/esbuild-zod.mjs';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The SDK's default credential chain (SSO, INI files, IMDS, STS web identity...) is dead weight
 * in Lambda, where the role's credentials are always in the environment: use fromEnv. Measured in
 * bench/aws-lambda.ts, like zodEnglishOnly.
 */
export const lambdaSlimming = {
  name: 'lambda-slimming',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'credential-provider-node', namespace: 'lambda-creds' }));
    b.onLoad({ filter: /.*/, namespace: 'lambda-creds' }, () => ({
      contents:
        "import { fromEnv } from '@aws-sdk/credential-provider-env'; export const defaultProvider = (init) => fromEnv(init); export const credentialsWillNeedRefresh = () => false; export const credentialsTreatedAsExpired = () => false;",
      resolveDir: here,
      loader: 'js',
    }));
  },
};

/** The SDK clients import their package.json only for its version (user agent); the rest of it is dead bytes. */
export const sdkPackageVersionOnly = {
  name: 'sdk-package-version-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]@aws-sdk[\\/][\w-]+[\\/]package\.json$/ }, async (args) => ({
      contents: JSON.stringify({ version: JSON.parse(await readFile(args.path, 'utf8')).version }),
      loader: 'json',
    }));
  },
};

/**
 * The provider's barrel without its native-export lines: the Lambda never exports policies, and
 * esbuild keeps a module that is both re-exported by a reached barrel and dynamically imported
 * (the provider loads the compiler and Application Auto Scaling only for exportNative and resize)
 * in the cold-start chunks. A Lambda import of a name left out fails the build.
 */
export const providerBarrelWithoutNative = {
  name: 'provider-barrel-without-native',
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/]provider-aws-sagemaker[\\/]src[\\/]index\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const kept = text.split('\n').filter((line) => !/from '\.\/native\//.test(line));
      if (kept.length === text.split('\n').length) throw new Error('provider barrel: no native export lines found (has it changed?)');
      return { contents: kept.join('\n'), loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

export async function buildLambda(variant = 'ours') {
  const outdir = join(here, 'dist', variant === 'ours' ? 'lambda' : variant === 'sdk-external' ? 'lambda-ext' : 'lambda-default');
  // Chunk names carry content hashes: start clean so stale chunks never ship.
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const esm = variant !== 'default';
  const outfile = join(outdir, esm ? 'index.mjs' : 'index.js');
  const result = await build({
    entryPoints: { index: join(here, 'src/handler.ts') },
    outdir,
    ...(esm ? { splitting: true, outExtension: { '.js': '.mjs' }, chunkNames: 'chunks/[name]-[hash]' } : {}),
    bundle: true,
    platform: 'node',
    tsconfig: join(here, 'tsconfig.json'),
    metafile: true,
    logLevel: 'warning',
    ...(esm
      ? {
          format: 'esm',
          target: 'node20',
          minify: true,
          treeShaking: true,
          sourcemap: 'external',
          legalComments: 'external',
          // Prefer the packages' ES module builds: they tree-shake.
          mainFields: ['module', 'main'],
          // CommonJS dependencies inside an ES module still call require().
          banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
          external: variant === 'sdk-external' ? ['@aws-sdk/*', '@smithy/*'] : [],
          plugins: [lambdaSlimming, zodEnglishOnly, sdkPackageVersionOnly, providerBarrelWithoutNative],
        }
      : {}),
  });
  writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  // Our packages must come in as TypeScript sources (tsconfig paths: ES modules esbuild can tree-shake),
  // never as their CommonJS dist/ builds.
  const fromDist = Object.keys(result.metafile.inputs).filter((f) => /(^|[\\/])(packages|apps)[\\/][\w-]+[\\/]dist[\\/]/.test(f));
  if (fromDist.length > 0) throw new Error(`bundled from CommonJS dist instead of sources: ${fromDist.slice(0, 5).join(', ')}`);
  // What a cold start loads: the entry and the chunks it imports statically (lazy SSM/S3 chunks excluded).
  const outputs = result.metafile.outputs;
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(Object.keys(outputs).find((f) => /(^|[\\/])src[\\/]handler\.ts$/.test(outputs[f].entryPoint ?? '')));
  const bytes = [...seen].reduce((n, f) => n + outputs[f].bytes, 0);
  const allBytes = Object.entries(outputs)
    .filter(([f]) => !f.endsWith('.map') && !f.endsWith('.LEGAL.txt'))
    .reduce((n, [, o]) => n + o.bytes, 0);
  // Where the cold-start bytes come from, by npm package (our own sources by workspace package).
  const byPackage = {};
  for (const f of seen) {
    for (const [input, { bytesInOutput }] of Object.entries(outputs[f].inputs)) {
      const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*node_modules)/.exec(input) ?? /(packages[\\/][\w-]+|apps[\\/][\w-]+|^src)/.exec(input);
      const key = (m?.[1] ?? input).replace(/\\/g, '/').replace(/^src$/, 'apps/aws-lambda');
      byPackage[key] = (byPackage[key] ?? 0) + bytesInOutput;
    }
  }
  return { outfile, bytes, allBytes, byPackage: Object.fromEntries(Object.entries(byPackage).sort((a, b) => b[1] - a[1])) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const variant = process.argv.includes('--default') ? 'default' : process.argv.includes('--sdk-external') ? 'sdk-external' : 'ours';
  const { outfile, bytes, allBytes } = await buildLambda(variant);
  console.log(`${variant}: ${outfile} ${(bytes / 1024).toFixed(0)} KiB loaded at start, ${(allBytes / 1024).toFixed(0)} KiB in all`);
}
