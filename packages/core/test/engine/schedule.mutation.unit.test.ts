/**
 * Schedule windows (schedule.ts): the edges mutation testing found unguarded. A window whose start
 * or end cron has not fired within the search horizon (400 days), an end firing the same minute as
 * the start, and how several open windows combine (highest floor, highest cap).
 */
import { effectiveBounds, scheduleActive, validatePolicy, type ScheduleRule } from '../../src/index';

const AT = Date.parse('2026-03-10T12:30:00Z');
const LIMITS = { minReplicas: 1, maxReplicas: 10 };

/** A validated schedule (defaults filled in). */
const window = (s: Record<string, unknown>): ScheduleRule =>
  validatePolicy({ name: 'p', limits: { maxReplicas: 50 }, rules: [{ name: 'w', schedule: { minReplicas: 2, ...s } }] }).rules[0]!.schedule!;

describe('scheduleActive', () => {
  it.each([
    // The last 29 February before 2026-03-10 is 2024-02-29: more than 400 days back.
    ['start and end not fired within 400 days: closed', { start: '0 0 29 2 *', end: '0 1 29 2 *' }, false],
    ['start not fired within 400 days, with a duration: closed', { start: '0 0 29 2 *', durationMinutes: 60 }, false],
    ['opened today, its end not fired within 400 days: open', { start: '0 8 * * *', end: '0 1 29 2 *' }, true],
    ['opened at 08:00 and an end firing at 08:00 too: the end wins', { start: '0 8 * * *', end: '0 8,20 * * *' }, false],
    ['opened at 08:00, the end last fired at 20:00 yesterday: open', { start: '0 8 * * *', end: '0 20 * * *' }, true],
  ])('%s', (_what, s, open) => {
    expect(scheduleActive(window(s), AT)).toBe(open);
  });
});

describe('effectiveBounds over several open windows', () => {
  const rules = (...schedules: Array<Record<string, unknown>>) =>
    validatePolicy({
      name: 'p',
      limits: { maxReplicas: 50 },
      rules: schedules.map((s, i) => ({ name: `w${i}`, schedule: { start: '0 8 * * *', durationMinutes: 600, ...s } })),
    }).rules;

  it('a cap and then a floor-only window: the cap holds', () => {
    expect(effectiveBounds(rules({ maxReplicas: 6 }, { minReplicas: 3 }), LIMITS, AT)).toEqual({ min: 3, max: 6, windows: ['w0', 'w1'] });
  });

  it('two caps: the highest', () => {
    expect(effectiveBounds(rules({ maxReplicas: 8 }, { maxReplicas: 4 }), LIMITS, AT)).toEqual({ min: 1, max: 8, windows: ['w0', 'w1'] });
    expect(effectiveBounds(rules({ maxReplicas: 4 }, { maxReplicas: 8 }), LIMITS, AT)).toEqual({ min: 1, max: 8, windows: ['w0', 'w1'] });
  });

  it('two floors: the highest; a floor above the cap is lowered to it', () => {
    expect(effectiveBounds(rules({ minReplicas: 5 }, { minReplicas: 3 }), LIMITS, AT)).toEqual({ min: 5, max: 10, windows: ['w0', 'w1'] });
    expect(effectiveBounds(rules({ minReplicas: 5 }, { maxReplicas: 4 }), LIMITS, AT)).toEqual({ min: 4, max: 4, windows: ['w0', 'w1'] });
  });
});
