import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { formatCpu, formatMemory, parseGoDuration, parseQuantity } from '../../src/model/quantity';

describe('Kubernetes quantities', () => {
  it.each([
    ['9559630n', 0.00955963],
    ['250m', 0.25],
    ['1', 1],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['100u', 0.0001],
    ['22244Ki', 22244 * 1024],
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1e3', 1000],
    ['5E-1', 0.5],
    ['+3', 3],
  ])('%s = %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 12);
  });

  it('rejects what the apiserver rejects, naming the field', () => {
    for (const bad of ['', 'lots', '1 Gi', '1gi', '1KB', 'm', '1.2.3', '0x10', 'Infinity', '1Mi2']) {
      expect(() => parseQuantity(bad, 'containers[0].usage.cpu')).toThrow(ValidationError);
    }
    expect(() => parseQuantity(null, 'containers[0].usage.cpu')).toThrow('containers[0].usage.cpu');
  });

  it('formats CPU and memory canonically', () => {
    expect([formatCpu(0.25), formatCpu(2), formatCpu(0.0001), formatCpu(1.5)]).toEqual(['250m', '2', '1m', '1500m']);
    expect([formatMemory(2 ** 30), formatMemory(512 * 2 ** 20), formatMemory(3072), formatMemory(1536)]).toEqual(['1Gi', '512Mi', '3Ki', '1536']);
  });

  it('parses Go durations as metrics-server writes the window', () => {
    expect([parseGoDuration('30s'), parseGoDuration('1m0s'), parseGoDuration('34.475s'), parseGoDuration('1.5ms'), parseGoDuration('1h2m3s')]).toEqual([
      30, 60, 34.475, 0.0015, 3723,
    ]);
    for (const bad of ['', '30', 's', '1x', '30s ']) expect(() => parseGoDuration(bad)).toThrow(ValidationError);
  });

  it('parse never throws anything but a ValidationError; formatted values parse back (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[+-]?\d{0,4}(\.\d{0,3})?(Ki|Mi|n|m|k|e\d|E-\d)?$/)), (s) => {
        try {
          expect(Number.isFinite(parseQuantity(s))).toBe(true);
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), (milli) => expect(parseQuantity(formatCpu(milli / 1000))).toBeCloseTo(milli / 1000, 9)));
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (b) => expect(parseQuantity(formatMemory(b))).toBe(b)));
  });
});
