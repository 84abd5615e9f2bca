import type { Command } from 'commander';
import type { CliIO } from '../io';
import { registerBacktestCommand } from './backtest';
import { registerSimulateCommand } from './simulate';
import { registerTuneCommand } from './tune';

/** Commands contributed by other packages (the simulator; the Kubernetes recipe tools). */
export const extraCommands: ReadonlyArray<(program: Command, io: CliIO) => void> = [registerSimulateCommand, registerBacktestCommand, registerTuneCommand];
