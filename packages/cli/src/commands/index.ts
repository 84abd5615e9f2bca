import type { Command } from 'commander';
import type { CliIO } from '../io';

/** Commands contributed by other packages' CLI files (simulator, Kubernetes tools). */
export const extraCommands: ReadonlyArray<(program: Command, io: CliIO) => void> = [];
