import { KeyedLock } from './keyed-lock';

/** Per-key serialization (found by mutation testing, bench/mutation.ts). */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('KeyedLock', () => {
  it('runs work on one key one after the other, in arrival order, and returns each result', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const a = lock.run('k', async () => {
      log.push('a start');
      await gate;
      log.push('a end');
      return 'A';
    });
    const b = lock.run('k', async () => {
      log.push('b');
      return 'B';
    });
    await tick();
    expect(log).toEqual(['a start']);
    open();
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('work on another key does not wait', async () => {
    const lock = new KeyedLock();
    const never = new Promise<void>(() => undefined);
    void lock.run('k', () => never);
    await expect(lock.run('other', async () => 'free')).resolves.toBe('free');
  });

  it('a failure releases the key and reaches only its caller', async () => {
    const lock = new KeyedLock();
    const failed = lock.run('k', async () => {
      throw new Error('boom');
    });
    const next = lock.run('k', async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    await expect(lock.run('k', async () => 'again')).resolves.toBe('again');
  });
});
