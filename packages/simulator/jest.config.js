/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'simulator', rootDir: __dirname };
