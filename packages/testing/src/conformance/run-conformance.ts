import { alarmSourceConformanceCases } from './alarm-source-cases';
import type { AlarmSourceConformanceFixture, ConformanceCase, NotApplicable, ProviderConformanceFixture } from './fixtures';
import { jestGlobals } from './jest-globals';
import { providerConformanceCases } from './provider-cases';
import { metricSourceConformanceCases, type MetricSourceConformanceFixture } from './metric-source-cases';

function report(suite: string, c: string, result: void | NotApplicable): void {
  // Loud on purpose: a case that could not run is not a pass.
  if (result && 'notApplicable' in result) process.stderr.write(`[conformance] ${suite} / ${c}: NOT RUN (${result.notApplicable})\n`);
}

/**
 * Declares a jest `describe` block with every provider conformance case. Each
 * case gets a fresh fixture from `factory` and closes it afterwards.
 */
export function runProviderConformance(name: string, factory: () => Promise<ProviderConformanceFixture>): void {
  runCases(`provider conformance: ${name}`, providerConformanceCases, factory, (fx) => fx.close());
}

/** Declares a jest `describe` block with every alarm-source conformance case (golden payloads + fast-check fuzzing). */
export function runAlarmSourceConformance(name: string, factory: () => AlarmSourceConformanceFixture | Promise<AlarmSourceConformanceFixture>): void {
  runCases(
    `alarm source conformance: ${name}`,
    alarmSourceConformanceCases,
    async () => factory(),
    async () => undefined,
  );
}

/** Declares a jest `describe` block with every metric-source (pull contract) conformance case. */
export function runMetricSourceConformance(name: string, factory: () => Promise<MetricSourceConformanceFixture> | MetricSourceConformanceFixture): void {
  runCases(
    `metric source conformance: ${name}`,
    metricSourceConformanceCases,
    async () => factory(),
    (fx) => fx.close(),
  );
}

function runCases<F>(suite: string, cases: readonly ConformanceCase<F>[], factory: () => Promise<F>, close: (fixture: F) => Promise<void>): void {
  const { describe, it, beforeEach, afterEach } = jestGlobals();
  describe(suite, () => {
    let fixture: F | undefined;
    beforeEach(async () => {
      fixture = await factory();
    });
    afterEach(async () => {
      const f = fixture;
      fixture = undefined;
      if (f !== undefined) await close(f);
    });
    for (const c of cases) {
      it(c.name, async () => {
        if (fixture === undefined) throw new Error('the conformance fixture was not created');
        report(suite, c.name, await c.run(fixture));
      });
    }
  });
}
