import { ValidationError } from '../errors';

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week),
 * evaluated in UTC wall-clock arithmetic. Enough for schedule windows; the
 * schedule rule shifts `now` into the window's time zone before asking.
 */
export interface CronSpec {
  minute: ReadonlySet<number>;
  hour: ReadonlySet<number>;
  dayOfMonth: ReadonlySet<number>;
  month: ReadonlySet<number>;
  dayOfWeek: ReadonlySet<number>;
  /** Cron's rule: when both day fields are restricted, a day matches either. */
  domRestricted: boolean;
  dowRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseValue(raw: string, field: number): number {
  const lower = raw.toLowerCase();
  if (field === 3 && MONTHS.includes(lower)) return MONTHS.indexOf(lower) + 1;
  if (field === 4 && DAYS.includes(lower)) return DAYS.indexOf(lower);
  if (!/^\d+$/.test(raw)) return Number.NaN;
  return Number(raw);
}

function parseField(text: string, field: number): Set<number> {
  const { name, min, max } = FIELDS[field]!;
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const pieces = part.split('/');
    // `1-2-3` or `1/2/3` would otherwise be read as `1-2` / `1/2`, silently.
    if (pieces.length > 2 || (pieces[0] ?? '').split('-').length > 2) throw new Error(`${name}: "${part}" is not a value, a range or a step`);
    const [rangeText, stepText] = pieces;
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : Number.NaN;
    if (!Number.isInteger(step) || step < 1) throw new Error(`${name}: bad step "${stepText}"`);
    let lo: number;
    let hi: number;
    if (rangeText === '*') {
      lo = min;
      hi = max;
    } else {
      const [a, b] = (rangeText ?? '').split('-');
      lo = parseValue(a ?? '', field);
      hi = b === undefined ? (stepText === undefined ? lo : max) : parseValue(b, field);
    }
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi) {
      throw new Error(`${name}: "${part}" is outside ${min}-${max}`);
    }
    for (let v = lo; v <= hi; v += step) out.add(field === 4 && v === 7 ? 0 : v);
  }
  return out;
}

/** Throws `ValidationError` at `path` when the expression is not valid cron. */
export function parseCron(expr: string, path = 'cron'): CronSpec {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) throw ValidationError.field(path, `expected 5 cron fields (minute hour day-of-month month day-of-week), got ${parts.length}`);
  try {
    const [mi, ho, dom, mo, dow] = parts.map((p, i) => parseField(p, i)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
    return {
      minute: mi,
      hour: ho,
      dayOfMonth: dom,
      month: mo,
      dayOfWeek: dow,
      domRestricted: !parts[2]!.startsWith('*'),
      dowRestricted: !parts[4]!.startsWith('*'),
    };
  } catch (e) {
    throw ValidationError.field(path, (e as Error).message);
  }
}

/**
 * Month (1-12), day of month and weekday (0 = Sunday) of a day counted from 1970-01-01, by
 * integer arithmetic (H. Hinnant's civil_from_days): a Date per day walked back cost more
 * than the whole rest of a decision.
 */
function civilDay(days: number): { month: number; day: number; weekday: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  return { month: mp < 10 ? mp + 3 : mp - 9, day: doy - Math.floor((153 * mp + 2) / 5) + 1, weekday: (((days + 4) % 7) + 7) % 7 };
}

function dayMatches(spec: CronSpec, days: number): boolean {
  const { month, day, weekday } = civilDay(days);
  if (!spec.month.has(month)) return false;
  const dom = spec.dayOfMonth.has(day);
  const dow = spec.dayOfWeek.has(weekday);
  if (spec.domRestricted && spec.dowRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const descending = new WeakMap<CronSpec, { hours: number[]; minutes: number[] }>();
/** The spec's hours and minutes, largest first (computed once per spec). */
function descendingOf(spec: CronSpec): { hours: number[]; minutes: number[] } {
  let d = descending.get(spec);
  if (!d) {
    d = { hours: [...spec.hour].sort((a, b) => b - a), minutes: [...spec.minute].sort((a, b) => b - a) };
    descending.set(spec, d);
  }
  return d;
}

/**
 * The latest minute at or before `wallMs` (UTC wall-clock ms) that the spec fires on,
 * looking back at most `maxDays`; undefined when none. Walks days, then the spec's hours
 * and minutes from the largest down, so it costs a few dozen checks.
 */
export function previousFire(spec: CronSpec, wallMs: number, maxDays = 400): number | undefined {
  const startOfMinute = Math.floor(wallMs / MINUTE) * MINUTE;
  const today = Math.floor(startOfMinute / DAY) * DAY;
  const { hours, minutes } = descendingOf(spec);
  const nowHour = Math.floor((startOfMinute - today) / 3_600_000);
  const nowMinute = Math.floor((startOfMinute - today - nowHour * 3_600_000) / MINUTE);
  for (let i = 0; i <= maxDays; i++) {
    const dayStart = today - i * DAY;
    if (!Number.isFinite(dayStart) || !dayMatches(spec, dayStart / DAY)) continue;
    for (const h of hours) {
      if (i === 0 && h > nowHour) continue;
      const lastMinute = i === 0 && h === nowHour ? nowMinute : 59;
      for (const m of minutes) {
        if (m <= lastMinute) return dayStart + h * 3_600_000 + m * MINUTE;
      }
    }
  }
  return undefined;
}

const OFFSET_BUCKET_MS = 900_000;
const offsetCache = new Map<string, Map<number, number>>();

/**
 * Offset of `timeZone` from UTC at `at`, in ms (positive east of Greenwich). Intl is slow
 * (microseconds a call), so offsets are remembered per quarter hour: a bucket is cached only
 * when the offset is the same at both of its ends, which rules out a transition inside it.
 */
export function timeZoneOffsetMs(timeZone: string, at: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const bucket = Math.floor(at / OFFSET_BUCKET_MS);
  let zone = offsetCache.get(timeZone);
  const hit = zone?.get(bucket);
  if (hit !== undefined) return hit;
  const offset = intlOffsetMs(timeZone, at);
  const start = bucket * OFFSET_BUCKET_MS;
  if (intlOffsetMs(timeZone, start) === offset && intlOffsetMs(timeZone, start + OFFSET_BUCKET_MS - 1000) === offset) {
    if (!zone) offsetCache.set(timeZone, (zone = new Map<number, number>()));
    if (zone.size >= 100_000) zone.clear();
    zone.set(bucket, offset);
  }
  return offset;
}

function intlOffsetMs(timeZone: string, at: number): number {
  const fmt = formatterFor(timeZone);
  const parts = fmt.formatToParts(new Date(at));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, fmt);
  }
  return fmt;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
