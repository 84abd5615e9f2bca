import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { formatSelector, matches, parseSelector, selectorRequirements } from '../../src/model/labels';

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'frontend', 'example.com/rev': '7' };
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=frontend', true],
    ['app in (api, web)', true],
    ['app notin (web)', false],
    ['canary', false],
    ['!canary', true],
    ['example.com/rev>5', true],
    ['example.com/rev<5', false],
    ['tier', true],
    ['', true],
  ])('%s -> %s', (selector, expected) => {
    expect(matches(parseSelector(selector), labels)).toBe(expected);
  });

  it('rejects malformed selectors with a ValidationError naming the field', () => {
    for (const bad of ['app in (a', 'app=', '=x', 'app=w b', 'app in a', 'rev>x', 'Bad Key=1']) {
      const ok = bad === 'app=';
      if (ok) continue;
      expect(() => parseSelector(bad, 'labelSelector')).toThrow(ValidationError);
    }
    // An empty value is legal (`app=` selects app="").
    expect(matches(parseSelector('app='), { app: '' })).toBe(true);
  });

  it('formats a structured selector as the label query the apiserver reports', () => {
    const reqs = selectorRequirements({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(formatSelector(reqs)).toBe('app=web,!canary,tier in (a,b)');
    expect(() => selectorRequirements({ matchExpressions: [{ key: 'x', operator: 'Near' }] })).toThrow(/matchExpressions\[0\]\.operator/);
  });

  it('never throws anything but a ValidationError (fuzz)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          parseSelector(s);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips formatSelector through parseSelector (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    const value = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), fc.dictionary(key, value, { maxKeys: 5 }), (sel, labels) => {
        const reqs = selectorRequirements({ matchLabels: sel });
        expect(matches(parseSelector(formatSelector(reqs)), labels)).toBe(matches(reqs, labels));
      }),
    );
  });
});
