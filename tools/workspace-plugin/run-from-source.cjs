// Nx loads generators with require(); this workspace runs the plugin from its
// TypeScript sources (no build step, no swc/ts-node: tsx is already installed).
require('tsx/cjs/api').register();
module.exports = require('./src/generators/provider/provider.ts');
