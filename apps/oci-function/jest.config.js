/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'oci-function', rootDir: __dirname };
