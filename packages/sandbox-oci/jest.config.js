/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'sandbox-oci', rootDir: __dirname };
