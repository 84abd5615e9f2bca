export * from './schema';
export * from './load';
export { formatPath, zodIssues, parseWith } from './issues';
export { parseCron, previousFire, timeZoneOffsetMs, type CronSpec } from './cron';
