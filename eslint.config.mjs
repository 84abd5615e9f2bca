// One flat config for the workspace. Module boundaries are the architecture:
// apps -> providers -> core; cli -> providers, simulator -> core; testing -> core.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const cloudSdks = [
  'oci-*',
  '@aws-sdk/*',
  '@smithy/*',
  '@kubernetes/*',
  'aws-cdk-lib',
  'aws-cdk-lib/*',
  'constructs',
  '@fnproject/*',
  'kubernetes-models',
  'kubernetes-models/*',
];
const nodeIo = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'http',
  'node:http',
  'https',
  'node:https',
  'net',
  'node:net',
  'child_process',
  'node:child_process',
];

export default [
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.nx/**',
      '**/coverage/**',
      'bench/results/**',
      '**/out/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      'tools/workspace-plugin/src/generators/**/files/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  // Type-aware lint: typescript-eslint's recommendedTypeChecked through the project service
  // (each file is checked with the tsconfig that owns it).
  ...tseslint.configs.recommendedTypeCheckedOnly.map((c) => ({ ...c, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Async methods that implement a Promise-returning port without awaiting are the honest shape.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'], bannedExternalImports: [...cloudSdks, ...nodeIo] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:core'], bannedExternalImports: cloudSdks },
            // SDK-free cloud semantics (OCI MQL, CloudWatch alarm evaluation) that providers and the simulator share.
            { sourceTag: 'type:semantics', onlyDependOnLibsWithTags: ['type:core'], bannedExternalImports: [...cloudSdks, ...nodeIo] },
            // Private wire fakes (never shipped): the CLI's `sandbox` and the tests use them.
            { sourceTag: 'type:sandbox', onlyDependOnLibsWithTags: ['type:core', 'type:testing', 'type:semantics'] },
            { sourceTag: 'type:provider', onlyDependOnLibsWithTags: ['type:core', 'type:testing', 'type:semantics', 'type:sandbox'] },
            { sourceTag: 'type:simulator', onlyDependOnLibsWithTags: ['type:core', 'type:testing', 'type:semantics'], bannedExternalImports: cloudSdks },
            {
              sourceTag: 'type:cli',
              onlyDependOnLibsWithTags: ['type:core', 'type:provider', 'type:simulator', 'type:testing', 'type:semantics', 'type:sandbox'],
            },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:provider', 'type:sandbox'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:core', 'type:testing'], bannedExternalImports: cloudSdks },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // noUncheckedIndexedAccess makes `!` after a checked index the honest idiom.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports: use named exports.' }],
    },
  },
  {
    // Tests read wire payloads and golden JSON as they come, and pass rejections through as given;
    // production code (every src/) has no-unsafe-assignment and no-base-to-string on: a JSON value shown
    // as text goes through its package's textOf() (or is narrowed first), never String() of an object.
    files: ['**/*.test.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // core does no I/O of its own: time, logs, state and notifications come in through ports.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: nodeIo.map((name) => ({ name, message: 'core does no I/O: take it through an injected port' })) }],
    },
  },
  {
    // The fakes are for tests and the CLI's sandbox: shipped provider and app code never imports them.
    files: ['packages/provider-*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@autoscaler/sandbox-*'], message: 'wire fakes are test/sandbox code: shipped code must not import them' }] },
      ],
    },
  },
];
