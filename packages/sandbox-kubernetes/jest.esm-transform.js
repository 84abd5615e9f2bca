// @kubernetes/client-node 1.x and a few of its dependencies ship ES modules only.
// Node 20.19+ can require() them, but Jest's own module loader cannot (before Node 24.9),
// so tests compile just those files to CommonJS with esbuild (already a dev dependency).
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const out = transformSync(source, { loader: 'js', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename, logLevel: 'silent' });
    return { code: out.code };
  },
};
