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
    const [rangeText, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
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
    return { minute: mi, hour: ho, dayOfMonth: dom, month: mo, dayOfWeek: dow, domRestricted: parts[2] !== '*', dowRestricted: parts[4] !== '*' };
  } catch (e) {
    throw ValidationError.field(path, (e as Error).message);
  }
}

function dayMatches(spec: CronSpec, d: Date): boolean {
  if (!spec.month.has(d.getUTCMonth() + 1)) return false;
  const dom = spec.dayOfMonth.has(d.getUTCDate());
  const dow = spec.dayOfWeek.has(d.getUTCDay());
  if (spec.domRestricted && spec.dowRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * The latest minute at or before `wallMs` (UTC wall-clock ms) that the spec fires on,
 * looking back at most `maxDays`; undefined when none. Walks days, then hours, then
 * minutes, so it costs at most a few hundred checks.
 */
export function previousFire(spec: CronSpec, wallMs: number, maxDays = 400): number | undefined {
  const startOfMinute = Math.floor(wallMs / MINUTE) * MINUTE;
  const today = Math.floor(startOfMinute / DAY) * DAY;
  for (let i = 0; i <= maxDays; i++) {
    const dayStart = today - i * DAY;
    if (!dayMatches(spec, new Date(dayStart))) continue;
    const lastHour = i === 0 ? new Date(startOfMinute).getUTCHours() : 23;
    for (let h = lastHour; h >= 0; h--) {
      if (!spec.hour.has(h)) continue;
      const lastMinute = i === 0 && h === lastHour ? new Date(startOfMinute).getUTCMinutes() : 59;
      for (let m = lastMinute; m >= 0; m--) {
        if (spec.minute.has(m)) return dayStart + h * 3_600_000 + m * MINUTE;
      }
    }
  }
  return undefined;
}

/** Offset of `timeZone` from UTC at `at`, in ms (positive east of Greenwich). */
export function timeZoneOffsetMs(timeZone: string, at: number): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
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
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
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
