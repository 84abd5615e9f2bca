/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'cloud-semantics', rootDir: __dirname };
