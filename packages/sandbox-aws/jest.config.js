// The pinned AWS SDK warns on Node < 22 once per process; tests run on Node 20 on purpose (the Lambda runtime).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
/** @type {import('jest').Config} */
module.exports = { ...require('../../jest.preset.js'), displayName: 'sandbox-aws', rootDir: __dirname };
