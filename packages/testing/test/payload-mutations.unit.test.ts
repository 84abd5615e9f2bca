import { countNodes, mutate } from '../src';

const sns = {
  Type: 'Notification',
  MessageId: 'm-1',
  Message: JSON.stringify({ AlarmName: 'high-cpu', NewStateValue: 'ALARM', Trigger: { Dimensions: [{ name: 'EndpointName', value: 'ep' }] } }),
};

describe('mutate (golden payload mutations for the alarm-source fuzz)', () => {
  it('counts nodes, descending into strings that hold JSON', () => {
    // root, Type, MessageId, Message(string) + its parsed object: AlarmName, NewStateValue, Trigger, Dimensions, [0], name, value
    expect(countNodes(sns)).toBe(12);
    expect(countNodes('plain')).toBe(1);
    expect(countNodes([1, [2, 3]])).toBe(5);
  });

  it('drops a key inside a nested JSON string and re-serialises it', () => {
    // Pre-order: 0 root, 1 Type, 2 MessageId, 3 Message string, 4 parsed Message, 5 AlarmName.
    const out = mutate(sns, 5, { kind: 'drop' }) as typeof sns;
    expect(JSON.parse(out.Message)).toEqual({ NewStateValue: 'ALARM', Trigger: { Dimensions: [{ name: 'EndpointName', value: 'ep' }] } });
    expect(out.Type).toBe('Notification');
  });

  it('replaces, wraps and inflates the chosen node, leaving the input untouched', () => {
    const before = JSON.stringify(sns);
    expect((mutate(sns, 1, { kind: 'replace', value: 7 }) as Record<string, unknown>)['Type']).toBe(7);
    expect((mutate(sns, 2, { kind: 'wrap-in-array' }) as Record<string, unknown>)['MessageId']).toEqual(['m-1']);
    expect(((mutate(sns, 1, { kind: 'huge-string', value: 'x'.repeat(1000) }) as Record<string, unknown>)['Type'] as string).length).toBe(1000);
    expect(JSON.stringify(sns)).toBe(before);
  });

  it('wraps the index around the node count and can drop the whole payload', () => {
    expect(mutate({ a: 1 }, 2, { kind: 'replace', value: 'r' })).toBe('r');
    expect(mutate({ a: 1 }, 3, { kind: 'drop' })).toEqual({});
    expect(mutate({ a: 1 }, 0, { kind: 'drop' })).toBeUndefined();
  });

  it('keeps a "__proto__" key as data instead of setting the prototype', () => {
    const payload = JSON.parse('{"__proto__": {"polluted": true}, "b": 1}') as unknown;
    const out = mutate(payload, 99 * countNodes(payload) + 3, { kind: 'replace', value: 2 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'b']);
    expect(out['b']).toBe(2);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
