/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'k8s-cronjob', rootDir: __dirname };
