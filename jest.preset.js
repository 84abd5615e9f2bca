// Shared Jest settings: ts-jest transpiles only (tsc does type checking in the
// `typecheck` target), and workspace packages resolve to their sources so tests
// never need a prior build.
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

module.exports = {
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true, resolveJsonModule: true } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@autoscaler/([a-z0-9-]+)/testing$': path.join(packagesDir, '$1/src/testing/index.ts'),
    '^@autoscaler/workspace-plugin$': path.join(__dirname, 'tools/workspace-plugin/src/index.ts'),
    '^@autoscaler/([a-z0-9-]+)$': path.join(packagesDir, '$1/src/index.ts'),
  },
  clearMocks: true,
  // Wire fakes, real SDK clients and CLI processes: on a loaded 2-core machine 5 s is too tight.
  testTimeout: 30_000,
};
