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

// The SDK calls the function makes, per SDK package. Only the model classes these calls
// (de)serialise, and the model classes those reach, are bundled (the oci-datascience models
// alone are ~470 KiB minified, of which the function uses a few). Any other model name reads
// as a getter that throws naming this list, so a new SDK call fails loudly in the bundle e2e
// test instead of silently sending an unserialised body. Keep in step with
// packages/provider-oci-data-science/src (clients.ts and its callers).
const sdkCalls = {
  'oci-datascience': ['getModelDeployment', 'updateModelDeployment', 'getWorkRequest'],
  'oci-monitoring': ['createAlarm', 'deleteAlarm', 'getAlarm', 'listAlarms', 'listAlarmsStatus', 'summarizeMetricsData', 'updateAlarm'],
  'oci-ons': ['publishMessage'],
};

/** Model names `methods` of `lib/client.js` reference, closed over the model modules' own references. */
async function modelClosure(sdkDir, exportsByName, methods) {
  const client = await readFile(join(sdkDir, 'lib', 'client.js'), 'utf8');
  const wanted = new Set();
  for (const method of methods) {
    const start = client.indexOf(`\n    ${method}(${method}Request) {`);
    if (start < 0) throw new Error(`${sdkDir}: no client method ${method}; the SDK layout changed`);
    const next = client.slice(start + 1).search(/\n    (?:async )?(?:get |set )?\w+\([^)]*\) \{/);
    const body = next < 0 ? client.slice(start) : client.slice(start, start + 1 + next);
    for (const [, name] of body.matchAll(/\bmodel\.(\w+)/g)) wanted.add(name);
  }
  const queue = [...wanted];
  while (queue.length > 0) {
    const name = queue.pop();
    const path = exportsByName.get(name);
    if (path === undefined) throw new Error(`${sdkDir}: client references model ${name} that the index does not export`);
    const text = await readFile(join(sdkDir, 'lib', 'model', `${path}.js`), 'utf8');
    for (const [, ref] of text.matchAll(/\bmodel\.(\w+)/g)) {
      if (!wanted.has(ref)) {
        wanted.add(ref);
        queue.push(ref);
      }
    }
  }
  return wanted;
}

// The SDK's model indexes require every model module up front (oci-datascience: ~370, about
// 80 ms at start). Rewritten as getters, a model module runs only when first used; models no
// call in sdkCalls reaches are left out of the bundle (non-enumerable getters that throw).
const lazyModelIndexes = {
  name: 'lazy-oci-model-index',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]oci-[a-z]+[\\/]lib[\\/]model[\\/]index\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      const sdkDir = dirname(dirname(dirname(args.path)));
      const sdk = sdkDir.split(/[\\/]/).pop();
      const pair = /const (\w+) = __importStar\(require\("(\.\/[\w-]+)"\)\);\s*exports\.(\w+) = \1\.\3;/g;
      const exportsByName = new Map([...text.matchAll(pair)].map((m) => [m[3], m[2]]));
      if (exportsByName.size === 0) throw new Error(`${args.path}: no model exports matched; the SDK layout changed`);
      const keep = sdkCalls[sdk] === undefined ? undefined : await modelClosure(sdkDir, exportsByName, sdkCalls[sdk]);
      const contents = text.replace(pair, (_, local, path, name) => {
        if (keep !== undefined && !keep.has(name)) {
          const why = JSON.stringify(
            `${sdk} model ${name} is not in the function bundle: add the SDK call that needs it to sdkCalls in apps/oci-function/build.mjs`,
          );
          return `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: false, configurable: true, get: () => { throw new Error(${why}); } });`;
        }
        return `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, configurable: true, get: () => require(${JSON.stringify(path)}).${name} });`;
      });
      return { contents, loader: 'js' };
    });
  },
};

// Each SDK client class holds one ~1.5 KiB method per API operation (oci-datascience: 171).
// The operations not in sdkCalls become methods that reject naming this list; the rest of the
// class (configuration, endpoints, retries, waiters) is unchanged.
const trimmedClients = {
  name: 'trim-oci-clients',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]oci-[a-z]+[\\/]lib[\\/]client\.js$/ }, async (args) => {
      const sdk = dirname(dirname(args.path)).split(/[\\/]/).pop();
      const keep = sdkCalls[sdk];
      const text = await readFile(args.path, 'utf8');
      if (keep === undefined) return { contents: text, loader: 'js' };
      const method = /\n {4}(\w+)\((\w+)Request\) \{\n {8}return __awaiter\(this, void 0, void 0, function\* \(\) \{\n[\s\S]*?\n {8}\}\);\n {4}\}\n/g;
      const found = new Set();
      const contents = text.replace(method, (whole, name, request) => {
        if (request !== name) throw new Error(`${args.path}: method ${name} takes ${request}Request; the SDK layout changed`);
        found.add(name);
        if (keep.includes(name)) return whole;
        const why = JSON.stringify(`${sdk} ${name} is not in the function bundle: add it to sdkCalls in apps/oci-function/build.mjs`);
        return `\n    ${name}(${name}Request) {\n        return Promise.reject(new Error(${why}));\n    }\n`;
      });
      const missing = keep.filter((name) => !found.has(name));
      if (missing.length > 0 || found.size < 5) throw new Error(`${args.path}: methods not found (${missing.join(', ')}); the SDK layout changed`);
      if (/__awaiter\(this/.test(contents.replace(method, ''))) throw new Error(`${args.path}: a client method was not matched; the SDK layout changed`);
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
      out = out.replace(
        new RegExp(`^exports\\.(\\w+) = (${alt})(\\.\\w+)?;$`, 'gm'),
        (_, exp, name, prop) =>
          `Object.defineProperty(exports, ${JSON.stringify(exp)}, { enumerable: true, configurable: true, get: function () { return ${name}__get()${prop ?? ''}; } });`,
      );
      out = out.replace(new RegExp(`return (${alt})\\.(\\w+);`, 'g'), (_, name, prop) => `return ${name}__get().${prop};`);
      const code = out
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/^let .*$/gm, '');
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
  plugins: naive ? [] : [lazyModelIndexes, trimmedClients, lazyOciCommonIndex, zodEnglishOnly],
  logLevel: 'warning',
  alias: naive
    ? {}
    : { 'isomorphic-fetch': join(stubs, 'empty.cjs'), 'es6-promise': join(stubs, 'es6-promise.cjs'), 'node-fetch': join(stubs, 'node-fetch.cjs') },
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
