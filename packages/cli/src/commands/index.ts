import type { Command } from 'commander';
import type { CliIO } from '../io';
import { registerBacktestCommand } from './backtest';
import { registerLoadtestCommand } from './loadtest';
import { registerModelServerCommand } from './model-server';
import { registerMonitorCommand } from './monitor';
import { registerRecipeCommand } from './recipe';
import { registerSimulateCommand } from './simulate';
import { registerTuneCommand } from './tune';

/** Commands contributed by other packages: the simulator, and the Kubernetes recipe tools. */
export const extraCommands: ReadonlyArray<(program: Command, io: CliIO) => void> = [
  registerSimulateCommand,
  registerBacktestCommand,
  registerTuneCommand,
  registerMonitorCommand,
  registerLoadtestCommand,
  registerRecipeCommand,
  registerModelServerCommand,
];
