export * from './memory-provider';
export * from './memory-alarm-source';
