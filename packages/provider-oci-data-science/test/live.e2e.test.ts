import { OciDataScienceProvider, configFileAuth, createOciClients, seedSamplePolicy } from '../src';

/**
 * Opt-in, read-only checks against a real tenancy: AUTOSCALER_LIVE=1 plus
 * OCI_LIVE_DEPLOYMENT_ID (a model deployment OCID) and an OCI config file
 * (OCI_CONFIG_FILE / OCI_CONFIG_PROFILE, default ~/.oci/config [DEFAULT]).
 * OCI_LIVE_COMPARTMENT_ID adds a ListAlarms check. Nothing is changed.
 */
const live = process.env['AUTOSCALER_LIVE'] === '1';
const deploymentId = process.env['OCI_LIVE_DEPLOYMENT_ID'];
const compartmentId = process.env['OCI_LIVE_COMPARTMENT_ID'];
const skipReason = !live ? 'AUTOSCALER_LIVE is not 1' : !deploymentId ? 'OCI_LIVE_DEPLOYMENT_ID is not set' : undefined;
if (skipReason) console.warn(`[live] OCI live tests SKIPPED: ${skipReason}. Set AUTOSCALER_LIVE=1, OCI_LIVE_DEPLOYMENT_ID and an OCI config to run them.`);

// describe.skip on purpose: without an account there is nothing to run; the reason is printed above.
(skipReason ? describe.skip : describe)('live OCI (read-only)', () => {
  const clients = () => createOciClients({ authProvider: configFileAuth(process.env['OCI_CONFIG_FILE'], process.env['OCI_CONFIG_PROFILE']) });

  it('describes the deployment: lifecycle, capacity on its ladder, an ETag, state tags that decode', async () => {
    const c = clients();
    const provider = new OciDataScienceProvider({ dataScience: c.dataScience });
    const ref = { provider: 'oci-data-science', id: deploymentId! };
    const s = await provider.describe(ref);
    expect(['ready', 'updating', 'failed', 'missing']).toContain(s.status);
    expect(s.capacity.replicas).toBeGreaterThanOrEqual(1);
    expect(s.version).toBeTruthy();
    expect(await provider.sizes(ref)).toContain(s.capacity.size);
    expect(Array.isArray(s.persisted.dedupeKeys)).toBe(true);
    expect(provider.exportNative(seedSamplePolicy(ref.id), ref).unsupported.length).toBeGreaterThan(0);
  });

  (compartmentId ? it : it.skip)('lists alarms in the compartment (ours are tagged autoscaler-managed)', async () => {
    const res = await clients().monitoring.listAlarms({ compartmentId: compartmentId! });
    const ours = res.items.filter((a) => a.freeformTags?.['autoscaler-managed'] === 'true');
    for (const a of ours) expect(a.query).toContain(a.freeformTags?.['autoscaler-target'] ?? '');
  });
});
