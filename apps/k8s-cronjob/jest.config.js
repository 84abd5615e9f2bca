/** @type {import('jest').Config} */
// @kubernetes/client-node is ESM-only: compile it for Jest like the provider package does.
const { withKubernetesClientEsm } = require('../../packages/provider-kubernetes/jest.esm-packages.js');

module.exports = withKubernetesClientEsm({ ...require('../../jest.preset.js'), displayName: 'k8s-cronjob', rootDir: __dirname });
