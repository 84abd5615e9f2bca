export * from './target';
export * from './signal';
export * from './decision';
export * from './ports';
export * from './provider';
export * from './metrics';
