#!/usr/bin/env node
'use strict';
// The `autoscaler` command. In a checkout (src/ beside this file) it runs the TypeScript
// sources through tsx, so it works right after `npm install`, with no build step and
// without reaching a registry; an installed package runs the built dist/main.js.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'src', 'main.ts');
// The root tsconfig.json maps every @autoscaler/* package to its sources: nothing needs a build.
const tsconfig = join(__dirname, '..', '..', '..', 'tsconfig.json');

if (existsSync(source) && existsSync(tsconfig)) {
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), '--tsconfig', tsconfig, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.error) {
    process.stderr.write(`autoscaler: cannot run the sources through tsx: ${result.error.message}\n`);
    process.exitCode = 2;
  } else if (result.signal) process.kill(process.pid, result.signal);
  else process.exitCode = result.status ?? 1;
} else {
  require('../dist/main.js');
}
