'use strict';
/**
 * The image's entry: runs func.js from a V8 code cache made when the image is built
 * (Dockerfile: `node start.cjs --write-code-cache`, same Node as at run time), so a cold
 * start skips parsing and compiling what module initialisation runs. Without the cache (or
 * when V8 rejects it, e.g. another Node version) func.js is compiled from source as usual.
 */
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const vm = require('node:vm');

const file = join(__dirname, 'func.js');
const cacheFile = `${file}.cache`;
const source = readFileSync(file, 'utf8');
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
const writing = process.argv.includes('--write-code-cache');
if (process.env.AUTOSCALER_CODE_CACHE_REPORT === '1') {
  process.stderr.write(`code cache: ${cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
}
if (writing) {
  // Run module initialisation so the functions it compiles are in the cache, but stop where
  // the fdk would start serving: with no FN_FORMAT it calls process.exit, which we catch.
  delete process.env.FN_FORMAT;
  const exit = process.exit.bind(process);
  const warn = console.warn;
  console.warn = () => undefined;
  process.exit = () => {
    console.warn = warn;
    writeFileSync(cacheFile, script.createCachedData());
    process.stderr.write(`wrote ${cacheFile}\n`);
    exit(0);
  };
}
const mod = new Module(file, module);
mod.filename = file;
mod.paths = Module._nodeModulePaths(__dirname);
script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, __dirname);
