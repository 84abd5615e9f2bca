export * from './memory-provider';
export * from './memory-alarm-source';
export * from './memory-metric-source';
