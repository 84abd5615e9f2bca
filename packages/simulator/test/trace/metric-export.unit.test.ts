import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { parseMetricExport } from '../../src/trace/metric-export';
import { parseTrace, scaleToPeak } from '../../src/trace/load-trace';

const t0 = Date.parse('2024-05-01T12:00:00Z');
const iso = (min: number): string => new Date(t0 + min * 60_000).toISOString();

describe('metric exports as traces', () => {
  it('CloudWatch get-metric-statistics: Sum per minute, unordered, a missing minute counted as zero', () => {
    const doc = {
      Label: 'Invocations',
      Datapoints: [
        { Timestamp: iso(3), Sum: 7, Unit: 'None' },
        { Timestamp: iso(0), Sum: 5, Unit: 'None' },
        { Timestamp: iso(1), Sum: 6, Unit: 'None' },
      ],
    };
    const t = parseMetricExport(doc, 'cw');
    expect([...t.requests]).toEqual([5, 6, 0, 7]);
    expect(t.notes.join(' ')).toMatch(/1 missing period/);
  });

  it('CloudWatch get-metric-data (newest first) and OCI summarize-metrics-data (SDK and CLI) give the same trace', () => {
    const cw = { MetricDataResults: [{ Id: 'm1', Label: 'Invocations', Timestamps: [iso(1), iso(0)], Values: [3, 4], StatusCode: 'Complete' }] };
    const sdk = [
      {
        namespace: 'oci_datascience_modeldeploy',
        name: 'PredictRequestCount',
        dimensions: {},
        aggregatedDatapoints: [
          { timestamp: iso(0), value: 4 },
          { timestamp: iso(1), value: 3 },
        ],
      },
    ];
    const cli = {
      data: [
        {
          name: 'PredictRequestCount',
          'aggregated-datapoints': [
            { timestamp: iso(0), value: 1 },
            { timestamp: iso(1), value: 1 },
          ],
        },
        {
          name: 'PredictRequestCount',
          'aggregated-datapoints': [
            { timestamp: iso(0), value: 3 },
            { timestamp: iso(1), value: 2 },
          ],
        },
      ],
    };
    expect([...parseMetricExport(cw, 'a').requests]).toEqual([4, 3]);
    expect([...parseMetricExport(sdk, 'b').requests]).toEqual([4, 3]);
    // Two series (e.g. two instances) are summed per timestamp.
    expect([...parseMetricExport(JSON.stringify(cli), 'c').requests]).toEqual([4, 3]);
  });

  it('a 5-minute period is spread over its minutes', () => {
    const doc = {
      Datapoints: [
        { Timestamp: iso(0), Sum: 50 },
        { Timestamp: iso(5), Sum: 100 },
      ],
    };
    expect([...parseMetricExport(doc, 'five').requests]).toEqual([10, 10, 10, 10, 10, 20, 20, 20, 20, 20]);
  });

  it.each([
    [{ Datapoints: [{ Timestamp: iso(0), Average: 3 }] }, /Datapoints\[0\]\.Sum.*Sum statistic/],
    [{ Datapoints: [{ Timestamp: 'yesterday', Sum: 3 }] }, /Datapoints\[0\]\.Timestamp/],
    [{ Datapoints: [{ Timestamp: iso(0), Sum: -1 }] }, /negative count/],
    [{ MetricDataResults: [{ Timestamps: [iso(0)], Values: [] }] }, /MetricDataResults\[0\]\.Values.*0 values for 1 timestamps/],
    [{ Datapoints: [] }, /no datapoints/],
    [
      {
        Datapoints: [
          { Timestamp: '2024-05-01T12:00:00Z', Sum: 1 },
          { Timestamp: '2024-05-01T12:00:30Z', Sum: 1 },
        ],
      },
      /30 s apart/,
    ],
    [{ data: [{ aggregatedDatapoints: 'x' }] }, /data\[0\]\.aggregatedDatapoints/],
    [{ something: 1 }, /not a recognised export/],
    ['{not json', /not valid JSON/],
  ])('rejects a bad export naming the field (%#)', (doc, message) => {
    expect(() => parseMetricExport(doc, 'bad')).toThrow(ValidationError);
    expect(() => parseMetricExport(doc, 'bad')).toThrow(message);
  });

  it('parseTrace tells JSON from CSV, and scaling puts the busiest minute at the peak', () => {
    const json = parseTrace(
      JSON.stringify({
        Datapoints: [
          { Timestamp: iso(0), Sum: 30 },
          { Timestamp: iso(1), Sum: 60 },
        ],
      }),
      'j',
    );
    const load = scaleToPeak(json, 100);
    expect([...load.rps]).toEqual([50, 100]);
    expect(() => scaleToPeak(json, 0)).toThrow(/--peak-rps/);
    expect(() => scaleToPeak(parseTrace('t_seconds,requests\n0,0\n60,0', 'zero'), 10)).toThrow(/no requests/);
  });

  it('fuzz: any JSON value parses or fails with a ValidationError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (doc) => {
        try {
          parseMetricExport(doc, 'fuzz');
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
