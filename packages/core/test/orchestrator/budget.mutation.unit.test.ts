import { InstantClock, ManualClock, systemClock, TransientError } from '../../src/index';
import { Budget } from '../../src/orchestrator/budget';

/** The time budget, edge by edge (found by mutation testing, bench/mutation.ts). */
const T0 = Date.UTC(2026, 2, 10, 12);

describe('Budget', () => {
  it('remaining counts down on the clock and may go negative', () => {
    const clock = new ManualClock(T0);
    const b = new Budget(clock, T0 + 1000);
    expect(b.remaining()).toBe(1000);
    clock.advance(1500);
    expect(b.remaining()).toBe(-500);
  });

  it.each([
    // parts, workers, remaining, share
    [1, 1, 1200, 1200],
    [2, 1, 1200, 600],
    [3, 2, 1200, 600],
    [4, 2, 1200, 600],
    [5, 2, 1200, 400],
    [0, 4, 1200, 1200],
    [3, 0, 1200, 400],
    [2, 1, -300, 0],
  ])('share(%i parts, %i workers) of %i ms is %i ms', (parts, workers, remaining, share) => {
    const clock = new ManualClock(T0);
    const part = new Budget(clock, T0 + remaining).share(parts, workers);
    expect(part.deadline).toBe(T0 + share);
    expect(part.remaining()).toBe(share);
  });

  it('without a deadline every share is unbounded and calls get only the abort signal', () => {
    const b = new Budget(new ManualClock(T0), Infinity);
    expect(b.share(10, 1).deadline).toBe(Infinity);
    expect(b.callOptions()).toEqual({ signal: b.signal });
    expect(Object.keys(b.callOptions())).toEqual(['signal']);
    const bounded = new Budget(new ManualClock(T0), T0 + 5);
    expect(bounded.callOptions()).toEqual({ deadline: T0 + 5, signal: bounded.signal });
    expect(bounded.share(1, 1).signal).not.toBe(bounded.signal);
  });

  it.each([
    [1000, 999, false],
    [1000, 1000, false],
    [1000, 1001, true],
  ])('ensure: %i ms left, %i ms needed -> throws %s', (left, need, throws) => {
    const b = new Budget(new ManualClock(T0), T0 + left);
    if (throws) {
      expect(() => b.ensure(need, 'GetAlarm')).toThrow(TransientError);
      expect(() => b.ensure(need, 'GetAlarm')).toThrow(`no time left for GetAlarm (${left} ms of the budget remain)`);
    } else expect(() => b.ensure(need, 'GetAlarm')).not.toThrow();
  });

  it('ensure reports 0, not a negative time, once the deadline has passed; rounds the rest', () => {
    const clock = new ManualClock(T0);
    expect(() => new Budget(clock, T0 - 50).ensure(1, 'x')).toThrow('no time left for x (0 ms of the budget remain)');
    expect(() => new Budget(clock, T0 + 10.6).ensure(100, 'x')).toThrow('no time left for x (11 ms of the budget remain)');
  });

  it('run without a deadline just calls, with the call options', async () => {
    const b = new Budget(new ManualClock(T0), Infinity);
    await expect(b.run('x', async (o) => o)).resolves.toEqual({ signal: b.signal });
  });

  it('run without a deadline on the system clock arms no timer (Node fires a timer of Infinity after 1 ms)', async () => {
    jest.useFakeTimers();
    try {
      const b = new Budget(systemClock, Infinity);
      const slow = b.run('x', () => new Promise<string>((resolve) => setTimeout(() => resolve('done'), 50)));
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(50);
      await expect(slow).resolves.toBe('done');
      expect(b.signal.aborted).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });

  it('run refuses to start with no time left, and never calls', async () => {
    const clock = new ManualClock(T0);
    const b = new Budget(clock, T0);
    let called = false;
    await expect(
      b.run('UpdateEndpoint', async () => {
        called = true;
        return 1;
      }),
    ).rejects.toThrow('no time left for UpdateEndpoint');
    expect(called).toBe(false);
  });

  it('run passes the deadline and returns what the call returns in time', async () => {
    const clock = new ManualClock(T0);
    const b = new Budget(clock, T0 + 1000);
    await expect(b.run('x', async (o) => o.deadline)).resolves.toBe(T0 + 1000);
  });

  it('run gives up on a hung call at the deadline, aborts its signal, and later calls fail at once', async () => {
    const clock = new ManualClock(T0);
    const b = new Budget(clock, T0 + 1000);
    let seen: AbortSignal | undefined;
    const hung = b.run('DescribeAlarms', (o) => {
      seen = o.signal;
      return new Promise<never>(() => undefined);
    });
    const outcome = hung.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await Promise.resolve();
    clock.advance(999);
    await Promise.resolve();
    expect(seen?.aborted).toBe(false);
    clock.advance(1);
    const e = await outcome;
    expect(e).toBeInstanceOf(TransientError);
    expect((e as Error).message).toBe('DescribeAlarms did not finish before the deadline');
    expect(seen?.aborted).toBe(true);
    expect(b.signal.reason).toBeInstanceOf(TransientError);
    expect((b.signal.reason as Error).message).toBe('deadline reached');
  });

  it('a call started after the abort (with time left on a jumped clock) fails at once as expired', async () => {
    const clock = new ManualClock(T0);
    const b = new Budget(clock, T0 + 1000);
    const first = b.run('a', () => new Promise<never>(() => undefined)).catch((e: unknown) => e);
    clock.advance(1000);
    await first;
    clock.set(T0); // a clock set back: time seems left, but the budget was already spent
    await expect(b.run('b', () => new Promise<never>(() => undefined))).rejects.toThrow('b did not finish before the deadline');
  });

  it('on an InstantClock no backstop is armed: the call decides', async () => {
    const clock = new InstantClock(T0);
    const b = new Budget(clock, T0 + 1000);
    const value = await b.run('x', async () => {
      await clock.sleep(5000);
      return 'done';
    });
    expect(value).toBe('done');
    expect(b.signal.aborted).toBe(false);
  });
});
