/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'provider-kubernetes', rootDir: __dirname };
