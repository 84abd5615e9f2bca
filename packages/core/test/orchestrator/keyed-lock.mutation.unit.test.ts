import { KeyedLock } from '../../src/orchestrator/keyed-lock';

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

describe('KeyedLock: the queue survives the first holder leaving', () => {
  it('work arriving while the second holder runs waits for it', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    let openA!: () => void;
    let openB!: () => void;
    const a = lock.run('k', () => new Promise<void>((r) => (openA = r)));
    const b = lock.run('k', async () => {
      log.push('b start');
      await new Promise<void>((r) => (openB = r));
      log.push('b end');
    });
    await tick();
    openA();
    await a;
    await tick();
    expect(log).toEqual(['b start']);
    const c = lock.run('k', async () => {
      log.push('c');
    });
    await tick();
    expect(log).toEqual(['b start']);
    openB();
    await Promise.all([b, c]);
    expect(log).toEqual(['b start', 'b end', 'c']);
  });
});
