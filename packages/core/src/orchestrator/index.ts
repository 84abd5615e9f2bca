export * from './autoscaler';
export * from './policy-resolver';
export { KeyedLock } from './keyed-lock';
export * from './apply-and-wait';
