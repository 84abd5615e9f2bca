#!/usr/bin/env node
// `npm start`: the main job on the embedded default — the simulator replaying a
// real trace. Runs the CLI from source through tsx (no build step needed), so a
// fresh clone goes from `npm install` to a report in one command. Extra args are
// passed through: `npm start -- --json`.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsxCli = require.resolve('tsx/cli');
const args = process.argv.slice(2);
const command = process.env.AUTOSCALER_START_COMMAND ?? 'simulate';
const result = spawnSync(process.execPath, [tsxCli, '--tsconfig', join(root, 'tsconfig.json'), join(root, 'packages/cli/src/main.ts'), command, ...args], {
  stdio: 'inherit',
  cwd: root,
});
process.exitCode = result.status ?? 1;
