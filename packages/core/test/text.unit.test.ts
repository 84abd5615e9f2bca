import { textOf } from '../src/text';

describe('textOf', () => {
  it('shows strings as they are and numbers, booleans, null, undefined as String does', () => {
    expect(textOf('a b')).toBe('a b');
    expect(textOf('')).toBe('');
    expect(textOf(1.5)).toBe('1.5');
    expect(textOf(-0)).toBe('0');
    expect(textOf(true)).toBe('true');
    expect(textOf(null)).toBe('null');
    expect(textOf(undefined)).toBe('undefined');
  });
  it('shows objects and arrays as JSON, not [object Object]', () => {
    expect(textOf({ a: 1 })).toBe('{"a":1}');
    expect(textOf(['x', 2])).toBe('["x",2]');
  });
});
