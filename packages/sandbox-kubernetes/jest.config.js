/** @type {import('jest').Config} */
// The kubeconfig helper and the tests load @kubernetes/client-node (ESM-only): compile it for Jest.
const { withKubernetesClientEsm } = require('./jest.esm-packages.js');

module.exports = withKubernetesClientEsm({ ...require('../../jest.preset.js'), displayName: 'sandbox-kubernetes', rootDir: __dirname });
