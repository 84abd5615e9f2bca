// The public part of cron.ts (isValidTimeZone stays internal). Named re-exports live here, not in
// policy/index.ts: esbuild treats a barrel with named re-exports as code and then follows every
// `export *` in it, which would drag parse-text.ts (and the YAML parser) into bundles that never parse YAML.
export { parseCron, previousFire, timeZoneOffsetMs, type CronSpec } from './cron';
