export { buildProgram, runCli } from './program';
export { type CliIO, processIO, CliExit } from './io';
export { clouds, findCloud, type CloudCli, type CloudParents, type ScaleRequest } from './clouds';
export { runDemo } from './commands/demo';
