// ES-module-only packages on @kubernetes/client-node's import graph (see jest.esm-transform.js).
const esmPackages = ['@kubernetes/client-node', 'openid-client', 'oauth4webapi', 'jose', 'jsonpath-plus', 'rfc4648'];
exports.esmPackages = esmPackages;

/**
 * A Jest config that compiles those packages: Jest cannot require() ES modules on Node 20.
 * Every project whose tests load @kubernetes/client-node wraps its config with this.
 */
exports.withKubernetesClientEsm = (config) => ({
  ...config,
  transform: { ...config.transform, [`node_modules/(${esmPackages.join('|')})/.+\\.js$`]: require.resolve('./jest.esm-transform.js') },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
});
