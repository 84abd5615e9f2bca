// Only `export *` here (see cron-exports.ts): it lets a bundler leave out parse-text.ts, and with it
// the YAML parser, when nothing calls parsePolicy (a Lambda reading a JSON policy).
export * from './schema';
export * from './notifications';
export * from './load';
export * from './parse-text';
export * from './issues';
export * from './rule-kind';
export * from './cron-exports';
