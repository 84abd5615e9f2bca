// Bundle the OCI function: one CommonJS file, tree-shaken and minified, from the TypeScript sources.
// `node build.mjs` -> dist/bundle/func.js (what the Dockerfile copies);
// `node build.mjs --naive` -> dist/bundle-naive/func.js (no minify, no tree-shaking, no stubs: the bench's baseline).
import { build } from 'esbuild';
import { zodEnglishOnly } from '../../scripts/esbuild-zod.mjs';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const naive = process.argv.includes('--naive');
const outdir = join(here, 'dist', naive ? 'bundle-naive' : 'bundle');
mkdirSync(outdir, { recursive: true });

// Node 20 has fetch and Promise: oci-common's polyfills (isomorphic-fetch, node-fetch with
// whatwg-url and tr46: ~300 KiB) are dead weight. The real bundle swaps them for the
// built-ins (build/stubs); node-fetch, used only to read instance-principal certificates,
// becomes global fetch.
const stubs = join(here, 'build', 'stubs');

// The SDK's model indexes require every model module up front (oci-datascience: ~370, about
// 80 ms at start). Rewritten as getters, a model module runs only when first used; the
// bundle holds the same code.
const lazyModelIndexes = {
  name: 'lazy-oci-model-index',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]oci-[a-z]+[\\/]lib[\\/]model[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const pair = /const (\w+) = __importStar\(require\("(\.\/[\w-]+)"\)\);\s*exports\.(\w+) = \1\.\3;/g;
      let count = 0;
      const contents = text.replace(pair, (_, local, path, name) => {
        count++;
        return `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, configurable: true, get: () => require(${JSON.stringify(path)}).${name} });`;
      });
      if (count === 0) throw new Error(`${args.path}: no model exports matched; the SDK layout changed`);
      return { contents, loader: 'js' };
    });
  },
};

// oci-common's index requires every module of the SDK core up front: all the auth providers
// (instance principals, OKE workload identity, session tokens, X.509 federation and the JWT and
// ssh key libraries they load), paginators, waiters... Rewritten as getters, a module runs when
// one of its exports is first read. The bundle holds the same code.
const lazyOciCommonIndex = {
  name: 'lazy-oci-common-index',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]oci-common[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const decl = /^const (\w+) = (__importStar|__importDefault)?\(?require\("(\.\/lib\/[\w/.-]+)"\)\)?;$/gm;
      const names = [];
      let out = text.replace(decl, (_, name, wrap, path) => {
        names.push(name);
        return `let ${name}__m; const ${name}__get = () => (${name}__m ??= ${wrap ? `${wrap}(require(${JSON.stringify(path)}))` : `require(${JSON.stringify(path)})`});`;
      });
      if (names.length < 10) throw new Error(`${args.path}: only ${names.length} requires matched; the SDK layout changed`);
      const alt = names.join('|');
      // `exports.X = mod.Y;` and `exports.X = mod;` become getters; existing getters read the lazy module.
      out = out.replace(new RegExp(`^exports\\.(\\w+) = (${alt})(\\.\\w+)?;$`, 'gm'), (_, exp, name, prop) => `Object.defineProperty(exports, ${JSON.stringify(exp)}, { enumerable: true, configurable: true, get: function () { return ${name}__get()${prop ?? ''}; } });`);
      out = out.replace(new RegExp(`return (${alt})\\.(\\w+);`, 'g'), (_, name, prop) => `return ${name}__get().${prop};`);
      const code = out.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/^let .*$/gm, '');
      const eager = new RegExp(`(?<![.\\w"$])(${alt})\\b(?!__)`).exec(code);
      if (eager) throw new Error(`${args.path}: ${eager[1]} is still read at load; the SDK layout changed`);
      return { contents: out, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: [join(here, 'src/main.ts')],
  outfile: join(outdir, 'func.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  tsconfig: join(here, 'tsconfig.json'),
  minify: !naive,
  treeShaking: !naive,
  sourcemap: naive ? false : 'external',
  legalComments: naive ? 'inline' : 'external',
  metafile: true,
  plugins: naive ? [] : [lazyModelIndexes, lazyOciCommonIndex, zodEnglishOnly],
  logLevel: 'warning',
  alias: naive ? {} : { 'isomorphic-fetch': join(stubs, 'empty.cjs'), 'es6-promise': join(stubs, 'es6-promise.cjs'), 'node-fetch': join(stubs, 'node-fetch.cjs') },
});
writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));
// The image's entry (Dockerfile): runs func.js from a V8 code cache built into the image.
if (!naive) copyFileSync(join(here, 'build', 'start.cjs'), join(outdir, 'start.cjs'));
// Our packages must come in as TypeScript sources (tsconfig paths: ES modules esbuild can tree-shake),
// never as their CommonJS dist/ builds.
const fromDist = Object.keys(result.metafile.inputs).filter((f) => /(^|[\\/])(packages|apps)[\\/][\w-]+[\\/]dist[\\/]/.test(f));
if (fromDist.length > 0) throw new Error(`bundled from CommonJS dist instead of sources: ${fromDist.slice(0, 5).join(', ')}`);
const bytes = Object.values(result.metafile.outputs).find((o) => o.entryPoint)?.bytes ?? 0;
console.log(`${naive ? 'naive' : 'bundle'}: ${join(outdir, 'func.js')} ${(bytes / 1024).toFixed(0)} KiB`);
