/** @type {import('jest').Config} */
// The Kubernetes cloud commands load @kubernetes/client-node (ESM-only): compile it for Jest.
const { withKubernetesClientEsm } = require('../sandbox-kubernetes/jest.esm-packages.js');

module.exports = withKubernetesClientEsm({ ...require('../../jest.preset.js'), displayName: 'cli', rootDir: __dirname });
