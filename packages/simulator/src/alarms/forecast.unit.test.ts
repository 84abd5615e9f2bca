import { sourceContext } from '../../test/source-context';
import { ForecastSignals } from './forecast';

const DAY = 1440;

/** A day shape: quiet night, a morning ramp from 08:00 to 10:00, busy day. */
const shape = (m: number): number => {
  const h = (m % DAY) / 60;
  return h < 8 ? 20 : h < 10 ? 20 + (h - 8) * 40 : 100;
};

function valueOf(out: { signals: Array<{ metric: string; value?: number }> }, metric: string): number | undefined {
  return out.signals.find((s) => s.metric === metric)?.value;
}

describe('forecast signals', () => {
  it('anticipates tomorrow morning from past days: the forecast rises before the measured load does', () => {
    const env = sourceContext({ minutes: 3 * DAY, delaySeconds: 0, replicas: 2 });
    const source = new ForecastSignals(env.ctx, { horizonMinutes: 30 });
    let forecastAt0745 = 0;
    let measuredAt0745 = 0;
    for (let m = 0; m < 2 * DAY + 8 * 60; m++) {
      env.publish(m, { Invocations: shape(m) * 60 });
      const out = source.tick(env.at(m + 1));
      if (m === 2 * DAY + 7 * 60 + 45) {
        forecastAt0745 = valueOf(out, 'ForecastSloUtilization')!;
        measuredAt0745 = valueOf(out, 'MeasuredSloUtilization')!;
      }
    }
    // At 07:45 the load is still flat at night level; 30 min ahead it is up the ramp.
    expect(forecastAt0745).toBeGreaterThan(1.5 * measuredAt0745);
  });

  it('without history it follows the current level and its rising trend (a jump is taken at once)', () => {
    const env = sourceContext({ minutes: 200, delaySeconds: 0, replicas: 2 });
    const source = new ForecastSignals(env.ctx, { horizonMinutes: 10 });
    let last: number | undefined;
    for (let m = 0; m < 100; m++) {
      env.publish(m, { Invocations: (m < 60 ? 50 : 200) * 60 });
      last = valueOf(source.tick(env.at(m + 1)), 'ForecastSloUtilization');
    }
    const q = env.ctx.queues.get(env.deployment.desiredCapacity().size!)!;
    // 200 rps on 2 instances, at least: the short window caught the jump.
    expect(last!).toBeGreaterThanOrEqual((100 * 200) / (2 * q.maxRps) - 1e-9);
  });

  it('with a gate it stays silent inside the band and speaks outside it', () => {
    const env = sourceContext({ minutes: 200, delaySeconds: 0, replicas: 2 });
    const q = env.ctx.queues.get(env.deployment.desiredCapacity().size!)!;
    const gate = { above: 100, below: 85, target: 100, measuredAbove: 100, latencyAtLeast: Infinity, latencyAbove: Infinity, minReplicas: 1 };
    const source = new ForecastSignals(env.ctx, { horizonMinutes: 5, headroomQuantile: 0.5 }, gate);
    const atUtil = (u: number): number => ((u / 100) * 2 * q.maxRps) / 1.15; // the initial headroom is 1.15
    env.publish(0, { Invocations: atUtil(92) * 60 });
    expect(source.tick(env.at(1)).signals).toEqual([]);
    env.publish(1, { Invocations: atUtil(130) * 60 });
    expect(source.tick(env.at(2)).signals.map((s) => s.metric)).toEqual(['ForecastSloUtilization', 'MeasuredSloUtilization', 'LatencySloRatio']);
  });
});
