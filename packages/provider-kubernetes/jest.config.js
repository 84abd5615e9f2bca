/** @type {import('jest').Config} */
const preset = require('../../jest.preset.js');
const { esmPackages } = require('./jest.esm-packages.js');

module.exports = {
  ...preset,
  displayName: 'provider-kubernetes',
  rootDir: __dirname,
  transform: { ...preset.transform, [`node_modules/(${esmPackages.join('|')})/.+\\.js$`]: require.resolve('./jest.esm-transform.js') },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
};
