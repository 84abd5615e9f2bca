import { parseCron, previousFire, timeZoneOffsetMs } from '../../src/index';
import { validationErrorOf } from '../expect-validation-error';

const T = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());
const HOUR = 3_600_000;

describe('parseCron', () => {
  it('expands lists, ranges, steps and names', () => {
    const c = parseCron('5/20 */6 1,15 jan-mar mon-fri');
    expect([...c.minute]).toEqual([5, 25, 45]);
    expect([...c.hour]).toEqual([0, 6, 12, 18]);
    expect([...c.dayOfMonth]).toEqual([1, 15]);
    expect([...c.month]).toEqual([1, 2, 3]);
    expect([...c.dayOfWeek]).toEqual([1, 2, 3, 4, 5]);
    expect(c.domRestricted).toBe(true);
    expect(c.dowRestricted).toBe(true);
  });

  it('treats a day field starting with * as unrestricted (Vixie cron): */2 days AND Mondays', () => {
    const c = parseCron('0 0 */2 * 1');
    expect(c.domRestricted).toBe(false);
    expect(c.dowRestricted).toBe(true);
    // 2026-03-09 is a Monday and an odd day-of-month (9 = 1 + 2*4), so it fires; Monday 2026-03-16 (16) does not.
    expect(previousFire(c, T('2026-03-17T00:00:00Z'))).toBe(T('2026-03-09T00:00:00Z'));
  });

  it('reads day-of-week 7 as Sunday', () => {
    expect([...parseCron('0 0 * * 7').dayOfWeek]).toEqual([0]);
    expect([...parseCron('0 0 * * 5-7').dayOfWeek].sort()).toEqual([0, 5, 6]);
  });

  it.each([
    ['0 8 * *', /expected 5 cron fields/],
    ['0 8 * * * *', /expected 5 cron fields/],
    ['60 * * * *', /minute: "60" is outside 0-59/],
    ['* 24 * * *', /hour: "24" is outside 0-23/],
    ['* * 0 * *', /day-of-month: "0" is outside 1-31/],
    ['* * * 13 *', /month: "13" is outside 1-12/],
    ['* * * * 8', /day-of-week: "8" is outside 0-7/],
    ['5-1 * * * *', /minute: "5-1"/],
    ['*/0 * * * *', /bad step "0"/],
    ['*/1.5 * * * *', /bad step/],
    ['1-2-3 * * * *', /not a value, a range or a step/],
    ['1/2/3 * * * *', /not a value, a range or a step/],
    [', * * * *', /minute/],
    ['a * * * *', /minute/],
    ['* * * * funday', /day-of-week/],
  ])('refuses %j', (expr, message) => {
    const err = validationErrorOf(() => parseCron(expr, 'rules[0].schedule.start'));
    expect(err.issues[0]!.path).toBe('rules[0].schedule.start');
    expect(err.message).toMatch(message);
  });
});

describe('previousFire (UTC wall clock)', () => {
  it.each([
    ['0 8 * * *', '2026-03-10T07:59:59Z', '2026-03-09T08:00:00.000Z', 'yesterday when today has not fired yet'],
    ['0 8 * * *', '2026-03-10T08:00:30Z', '2026-03-10T08:00:00.000Z', 'the current minute counts'],
    ['30 23 * * *', '2026-03-01T00:10:00Z', '2026-02-28T23:30:00.000Z', 'across a month end (February, not a leap year)'],
    ['30 23 * * *', '2024-03-01T00:10:00Z', '2024-02-29T23:30:00.000Z', 'across a month end (leap year)'],
    ['0 0 1 1 *', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z', 'new year, on the minute'],
    ['0 0 1 1 *', '2025-12-31T23:59:00Z', '2025-01-01T00:00:00.000Z', 'new year, a minute before'],
    ['0 12 31 * *', '2026-05-15T00:00:00Z', '2026-03-31T12:00:00.000Z', 'skips months without a 31st'],
    ['*/15 * * * *', '2026-03-10T10:44:59Z', '2026-03-10T10:30:00.000Z', 'every quarter hour'],
    ['5/20 * * * *', '2026-03-10T10:04:00Z', '2026-03-10T09:45:00.000Z', 'a step from an offset, across an hour'],
    ['0 9 * * mon-fri', '2026-03-09T08:00:00Z', '2026-03-06T09:00:00.000Z', 'Monday morning looks back to Friday'],
    ['0 22 * * 7', '2026-03-09T08:00:00Z', '2026-03-08T22:00:00.000Z', 'Sunday written as 7'],
  ])('%s at %s -> %s (%s)', (expr, at, expected) => {
    expect(iso(previousFire(parseCron(expr), T(at)))).toBe(expected);
  });

  describe('day-of-month and day-of-week: cron fires when either matches if both are restricted', () => {
    const either = parseCron('0 9 13 * 5'); // the 13th, or any Friday
    it.each([
      ['2026-04-13T10:00:00Z', '2026-04-13T09:00:00.000Z', 'the 13th on a Monday'],
      ['2026-03-12T10:00:00Z', '2026-03-06T09:00:00.000Z', 'a Friday that is the 6th'],
      ['2026-03-13T10:00:00Z', '2026-03-13T09:00:00.000Z', 'Friday the 13th'],
    ])('at %s -> %s (%s)', (at, expected) => {
      expect(iso(previousFire(either, T(at)))).toBe(expected);
    });

    it('with only day-of-week restricted, the day must be that weekday', () => {
      // 2026-04-13 is a Monday; the last Friday before it is the 10th.
      expect(iso(previousFire(parseCron('0 9 * * 5'), T('2026-04-13T10:00:00Z')))).toBe('2026-04-10T09:00:00.000Z');
    });

    it('with only day-of-month restricted, the day must be that date', () => {
      expect(iso(previousFire(parseCron('0 9 13 * *'), T('2026-04-12T10:00:00Z')))).toBe('2026-03-13T09:00:00.000Z');
    });
  });

  it('looks back at most maxDays', () => {
    const leapDay = parseCron('0 0 29 2 *');
    // 2024-02-29 is 823 days before 2026-06-01.
    expect(previousFire(leapDay, T('2026-06-01T00:00:00Z'))).toBeUndefined();
    expect(iso(previousFire(leapDay, T('2026-06-01T00:00:00Z'), 1000))).toBe('2024-02-29T00:00:00.000Z');
  });

  it('never fires on a date that does not exist', () => {
    expect(previousFire(parseCron('0 0 31 2 *'), T('2026-06-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('timeZoneOffsetMs', () => {
  it.each([
    ['UTC', '2026-07-15T12:00:00Z', 0],
    ['America/New_York', '2026-01-15T12:00:00Z', -5 * HOUR],
    ['America/New_York', '2026-07-15T12:00:00Z', -4 * HOUR],
    // US daylight saving starts 2026-03-08 at 02:00 EST = 07:00Z, ends 2026-11-01 at 02:00 EDT = 06:00Z.
    ['America/New_York', '2026-03-08T06:59:59Z', -5 * HOUR],
    ['America/New_York', '2026-03-08T07:00:00Z', -4 * HOUR],
    ['America/New_York', '2026-11-01T05:59:59Z', -4 * HOUR],
    ['America/New_York', '2026-11-01T06:00:00Z', -5 * HOUR],
    ['Europe/Berlin', '2026-01-15T12:00:00Z', 1 * HOUR],
    ['Europe/Berlin', '2026-07-15T12:00:00Z', 2 * HOUR],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 5.5 * HOUR],
    ['Australia/Sydney', '2026-01-15T12:00:00Z', 11 * HOUR],
    ['Australia/Sydney', '2026-07-15T12:00:00Z', 10 * HOUR],
  ])('%s at %s', (tz, at, offset) => {
    expect(timeZoneOffsetMs(tz, T(at))).toBe(offset);
  });

  it('ignores milliseconds of the instant', () => {
    expect(timeZoneOffsetMs('America/New_York', T('2026-01-15T12:00:00.999Z'))).toBe(-5 * HOUR);
  });
});
