/** @type {import('jest').Config} */
// @kubernetes/client-node 1.x is ESM-only and Jest cannot require() ES modules on Node 20:
// transform those packages like the Kubernetes provider does.
const preset = require('../../jest.preset.js');
const { esmPackages } = require('../provider-kubernetes/jest.esm-packages.js');

module.exports = {
  ...preset,
  displayName: 'cli',
  rootDir: __dirname,
  transform: { ...preset.transform, [`node_modules/(${esmPackages.join('|')})/.+\\.js$`]: require.resolve('../provider-kubernetes/jest.esm-transform.js') },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
};
