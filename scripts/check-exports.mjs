#!/usr/bin/env node
// After `nx run-many -t build`: plain Node (no TypeScript, no path mapping) must load every
// package through its package.json `exports`, as users consuming individual packages do.
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;
let failed = 0;
for (const dir of ['packages', 'apps', 'tools']) {
  for (const name of readdirSync(join(root, dir))) {
    const pkg = JSON.parse(readFileSync(join(root, dir, name, 'package.json'), 'utf8'));
    for (const sub of Object.keys(pkg.exports ?? {}).filter((k) => k !== './package.json')) {
      const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
      try {
        const cjs = require(spec);
        const esm = await import(spec);
        const names = Object.keys(cjs);
        if (names.length === 0) throw new Error('exports nothing');
        if (Object.keys(esm).length === 0) throw new Error('ESM import sees no names');
        console.log(`ok  ${spec} (${names.length} exports)`);
      } catch (e) {
        failed++;
        console.error(`FAIL ${spec}: ${e.message}`);
      }
    }
  }
}
const { decide, hpaReplicas } = await import('@autoscaler/core');
if (typeof decide !== 'function' || typeof hpaReplicas !== 'function') {
  failed++;
  console.error('FAIL import { decide, hpaReplicas } from @autoscaler/core');
}
process.exitCode = failed ? 1 : 0;
