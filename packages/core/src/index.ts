/** @autoscaler/core: the policy language, the decision engine and the orchestrator. No cloud SDK, no I/O. */
export * from './errors';
export * from './types';
export * from './policy';
export * from './engine';
export * from './forecast';
export * from './hpa';
export * from './ports';
export * from './orchestrator';
export * from './inputs';
export * from './memory';
export * from './persisted-state';
export { textOf } from './text';
