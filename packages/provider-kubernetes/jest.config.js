/** @type {import('jest').Config} */
const { withKubernetesClientEsm } = require('../sandbox-kubernetes/jest.esm-packages.js');

module.exports = withKubernetesClientEsm({ ...require('../../jest.preset.js'), displayName: 'provider-kubernetes', rootDir: __dirname });
