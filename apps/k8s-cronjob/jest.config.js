/** @type {import('jest').Config} */
// @kubernetes/client-node is ESM-only: compile it for Jest like the Kubernetes sandbox does.
const { withKubernetesClientEsm } = require('../../packages/sandbox-kubernetes/jest.esm-packages.js');

module.exports = withKubernetesClientEsm({ ...require('../../jest.preset.js'), displayName: 'k8s-cronjob', rootDir: __dirname });
