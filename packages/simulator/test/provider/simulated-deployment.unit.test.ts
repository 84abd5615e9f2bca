import { ConflictError, ManualClock, NotFoundError, ValidationError } from '@autoscaler/core';
import { runProviderConformance } from '@autoscaler/testing';
import { Rng } from '../../src/model/rng';
import { providerProfile, type ProviderKind } from '../../src/profiles/profile';
import { SimulatedDeployment } from '../../src/provider/simulated-deployment';

const ref = { provider: 'simulator', id: 'sim/model' };

function deployment(kind: ProviderKind = 'oci', replicas = 2) {
  const clock = new ManualClock(Date.UTC(2026, 0, 5));
  const profile = { ...providerProfile(kind), jitter: 0 };
  const d = new SimulatedDeployment(ref, profile, clock, new Rng(7), { replicas }, undefined);
  return { d, clock, profile };
}

const hourly = (kind: ProviderKind) => new Map(providerProfile(kind).sizes.map((s) => [s.name, s.hourly]));

describe('simulated deployment', () => {
  it('added instances are billed at once but serve only after the provisioning delay (OCI: updating meanwhile)', async () => {
    const { d, clock, profile } = deployment('oci');
    const s = await d.describe(ref);
    await d.apply(ref, { ...s.capacity, replicas: 5 }, { ifMatch: s.version! });
    expect((await d.describe(ref)).status).toBe('updating');
    expect(d.serving(clock.now()).replicas).toBe(2);
    expect(d.billed(clock.now(), hourly('oci')).count).toBe(5);
    clock.advance(profile.scaleOutSeconds * 1000 - 1);
    expect(d.serving(clock.now()).replicas).toBe(2);
    clock.advance(1);
    expect(d.serving(clock.now()).replicas).toBe(5);
    expect((await d.describe(ref)).status).toBe('ready');
  });

  it('refuses a change while updating, and a stale version, with ConflictError', async () => {
    const { d } = deployment('oci');
    const s = await d.describe(ref);
    await d.apply(ref, { ...s.capacity, replicas: 3 }, { ifMatch: s.version! });
    const now = await d.describe(ref);
    await expect(d.apply(ref, { ...now.capacity, replicas: 4 }, { ifMatch: now.version! })).rejects.toBeInstanceOf(ConflictError);
    await expect(d.apply(ref, { ...now.capacity, replicas: 4 }, { ifMatch: s.version! })).rejects.toThrow(/stale/);
  });

  it('Kubernetes never blocks: pods start in tens of seconds while the deployment stays ready', async () => {
    const { d, clock, profile } = deployment('kubernetes');
    expect(profile.scaleOutSeconds).toBeGreaterThanOrEqual(10);
    expect(profile.scaleOutSeconds).toBeLessThan(120);
    await d.apply(ref, { replicas: 4 }, {});
    expect((await d.describe(ref)).status).toBe('ready');
    await d.apply(ref, { replicas: 6 }, {});
    clock.advance(profile.scaleOutSeconds * 1000);
    expect(d.serving(clock.now()).replicas).toBe(6);
    expect(d.pods().length).toBe(6);
  });

  it('scale-in stops serving and billing at once', async () => {
    const { d, clock } = deployment('sagemaker', 4);
    await d.apply(ref, { replicas: 1 }, {});
    expect(d.serving(clock.now()).replicas).toBe(1);
    expect(d.billed(clock.now(), hourly('sagemaker')).count).toBe(1);
  });

  it('a size change is blue/green: the old fleet serves and bills until the new one is ready', async () => {
    const { d, clock, profile } = deployment('oci', 2);
    const [small, medium] = profile.sizes;
    await d.apply(ref, { replicas: 2, size: medium!.name }, {});
    expect(d.serving(clock.now())).toEqual({ replicas: 2, size: small!.name });
    expect(d.billed(clock.now(), hourly('oci'))).toEqual({ count: 4, perHour: 2 * small!.hourly + 2 * medium!.hourly });
    clock.advance(profile.resizeSeconds * 1000);
    expect(d.serving(clock.now())).toEqual({ replicas: 2, size: medium!.name });
    expect(d.billed(clock.now(), hourly('oci')).count).toBe(2);
  });

  it('rejects a size off the ladder, a bad replica count, an unknown target and a malformed id', async () => {
    const { d } = deployment('oci');
    await expect(d.apply(ref, { replicas: 2, size: 'ml.m5.large' }, {})).rejects.toThrow(ValidationError);
    await expect(d.apply(ref, { replicas: -1 }, {})).rejects.toThrow(/capacity\.replicas/);
    await expect(d.describe({ provider: 'simulator', id: 'sim/other' })).rejects.toBeInstanceOf(NotFoundError);
    expect(() => d.validateId('ocid1.whatever')).toThrow(/target\.id/);
  });

  it('provisioning jitter is seeded: the same seed gives the same delays', async () => {
    const times = async (seed: number): Promise<number[]> => {
      const clock = new ManualClock(0);
      const d = new SimulatedDeployment(ref, providerProfile('kubernetes'), clock, new Rng(seed), { replicas: 1 });
      const out: number[] = [];
      for (let i = 2; i < 6; i++) {
        await d.apply(ref, { replicas: i }, {});
        out.push(d.pods().at(-1)!.readyAt);
      }
      return out;
    };
    expect(await times(3)).toEqual(await times(3));
    expect(await times(3)).not.toEqual(await times(4));
  });
});

runProviderConformance('simulated OCI deployment', async () => {
  const { d, clock } = deployment('oci', 2);
  return {
    provider: d,
    ready: ref,
    missing: { provider: 'simulator', id: 'sim/missing' },
    invalidIds: ['', 'ocid1.datasciencemodeldeployment.oc1..x', 'sim/', 'sim/UPPER', 'sim/a b', '../etc'],
    tamper: async () => d.changeOutOfBand({ replicas: (await d.describe(ref)).capacity.replicas + 1 }),
    settle: async () => clock.advance(3_600_000),
    close: async () => undefined,
  };
});
