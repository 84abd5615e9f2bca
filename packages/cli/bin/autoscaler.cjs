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
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), '--tsconfig', tsconfig, source, ...process.argv.slice(2)], { stdio: 'inherit' });
  // A signal to this wrapper (`kill $pid` of a background `autoscaler model-server`) reaches the command too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (e) => {
    process.stderr.write(`autoscaler: cannot run the sources through tsx: ${e.message}\n`);
    process.exitCode = 2;
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 1;
  });
} else {
  require('../dist/main.js');
}
