/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'provider-aws-sagemaker', rootDir: __dirname };
