import { defaultServiceModel, inFlightPerInstance, minuteState, sizeQueue } from '../../src/model/service';

describe('inFlightPerInstance (the 10 s ConcurrentRequestsPerModel datapoint)', () => {
  const q = sizeQueue(defaultServiceModel, { name: 'm', vcpus: 2, memoryGb: 8, hourly: 1 }, 0.25);

  it.each([
    [0, 3],
    [10, 0],
    [10, 1],
    [30, 2],
    [39.9, 1],
    [40, 1],
    [500, 3],
  ])('%d req/s over %d instances: the same figure as the minute state', (lambda, replicas) => {
    expect(inFlightPerInstance(defaultServiceModel, q, lambda, replicas)).toBe(minuteState(defaultServiceModel, q, lambda, replicas).inFlight);
  });

  it('2 workers at 20/s each, 10 req/s on one instance: M/M/2 mean in system 0.5333...', () => {
    // a = 0.5, rho = 0.25: Erlang C = 0.1, Lq = 0.1 x 0.25 / 0.75, L = a + Lq = 0.5 + 0.0333...
    expect(inFlightPerInstance(defaultServiceModel, q, 10, 1)).toBeCloseTo(0.5 + 0.1 / 3, 12);
  });
});
