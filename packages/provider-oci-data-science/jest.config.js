/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'provider-oci-data-science', rootDir: __dirname };
