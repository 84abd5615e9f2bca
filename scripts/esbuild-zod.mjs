// esbuild plugin shared by the app bundles (apps/*/build.mjs).
import { dirname, join } from 'node:path';

/** zod's classic API re-exports every locale (~260 KiB minified); only `en` is ever used. */
export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(join('node_modules', 'zod')) ? { path: join(args.resolveDir, '../locales/en.js'), namespace: 'zod-en' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-en' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};
