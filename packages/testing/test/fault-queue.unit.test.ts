import { FaultQueue, type QueuedFault } from '../src';

interface OperationFault extends QueuedFault {
  operation?: string;
  kind: string;
}

describe('FaultQueue', () => {
  it("queues a fake's own fault shape, first in first out, each for its number of matching requests", () => {
    const q = new FaultQueue<OperationFault>().next({ kind: 'throttle', operation: 'Update', times: 2 }).next({ kind: 'drop' });
    const forOp = (op: string) => (f: OperationFault) => f.operation === undefined || f.operation === op;
    expect(q.pending).toBe(3);
    expect(q.takeFirst(forOp('Describe'))?.kind).toBe('drop');
    expect(q.takeFirst(forOp('Describe'))).toBeUndefined();
    expect(q.takeFirst(forOp('Update'))?.kind).toBe('throttle');
    expect(q.takeFirst(forOp('Update'))?.kind).toBe('throttle');
    expect(q.takeFirst(forOp('Update'))).toBeUndefined();
    expect(q.pending).toBe(0);
  });

  it('Infinity repeats until cleared; anything but a whole number >= 1 is refused', () => {
    const q = new FaultQueue<OperationFault>().next({ kind: 'hang', times: Infinity });
    for (let i = 0; i < 100; i++) expect(q.takeFirst(() => true)?.kind).toBe('hang');
    q.clear();
    expect(q.takeFirst(() => true)).toBeUndefined();
    for (const times of [0, -1, 1.5, NaN]) expect(() => q.next({ kind: 'x', times })).toThrow(RangeError);
  });
});
