import { MemoryAlarmSource } from '@autoscaler/core';
import { runAlarmSourceConformance, runProviderConformance } from '../src';
import { memoryFixture } from './memory-fixture';

// The reference implementations must pass both kits: if they do not, the kit is wrong.
runProviderConformance('memory reference', async () => memoryFixture());

runAlarmSourceConformance('memory reference', () => ({
  source: new MemoryAlarmSource(),
  valid: [
    {
      target: { provider: 'memory', id: 'endpoint/ready' },
      metric: 'CpuUtilization',
      alarm: 'high-cpu',
      state: 'firing',
      value: 91.5,
      threshold: 80,
      at: '2026-01-15T09:30:00Z',
      dedupeKey: 'alarm-1',
    },
    JSON.stringify([
      { metric: 'latency', state: 'value', value: 120, at: 1768469400000 },
      { metric: 'CpuUtilization', state: 'ok', at: 1768469460000, dimensions: { resourceId: 'endpoint/ready' } },
    ]),
  ],
  invalid: [{ metric: 'CpuUtilization', state: 'firing' }, { metric: 'CpuUtilization', state: 'burning', at: 1 }, [], '[{"metric": 1}]'],
}));
