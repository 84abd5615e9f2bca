/** @type {import('jest').Config} */
const preset = require('../../jest.preset.js');
// @kubernetes/client-node is ESM-only: compile it for Jest like the provider package does.
const { esmPackages } = require('../../packages/provider-kubernetes/jest.esm-packages.js');

module.exports = {
  ...preset,
  displayName: 'k8s-cronjob',
  rootDir: __dirname,
  transform: { ...preset.transform, [`node_modules/(${esmPackages.join('|')})/.+\\.js$`]: require.resolve('../../packages/provider-kubernetes/jest.esm-transform.js') },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
};
