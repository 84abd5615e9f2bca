import { qosClass } from '../src';

describe('qosClass (as the apiserver computes a pod QoS class)', () => {
  it.each([
    ['no resources at all', [undefined, {}], 'BestEffort'],
    ['equal cpu and memory requests and limits', [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    ['equal by value, written differently', [{ requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    ['limits only: requests default to them', [{ limits: { cpu: '1', memory: '1Gi' } }], 'Guaranteed'],
    ['request below the limit', [{ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }], 'Burstable'],
    ['memory without a limit', [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1' } }], 'Burstable'],
    ['requests only', [{ requests: { cpu: '1' } }], 'Burstable'],
    ['one guaranteed container, one without resources', [{ limits: { cpu: '1', memory: '1Gi' } }, {}], 'Burstable'],
    ['two guaranteed containers', [{ limits: { cpu: '1', memory: '1Gi' } }, { limits: { cpu: '2', memory: '2Gi' } }], 'Guaranteed'],
    ['other resources do not count', [{ limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' } }], 'Guaranteed'],
  ] as const)('%s -> %s', (_, containers, expected) => {
    expect(qosClass(containers)).toBe(expected);
  });
});
