import { createAwsClients, SageMakerProvider } from '../src';

/**
 * Opt-in test against real AWS: AUTOSCALER_LIVE=1, credentials in the standard
 * chain, AWS_REGION, and AUTOSCALER_LIVE_TARGET=endpoint/<name>/variant/<variant>
 * (an endpoint you own). It only reads: describe, tags, scalable target.
 */
const live = process.env['AUTOSCALER_LIVE'] === '1';
const target = process.env['AUTOSCALER_LIVE_TARGET'];

if (!live) {
  process.stderr.write('[live] SKIPPED: the AWS live test runs only with AUTOSCALER_LIVE=1, AWS credentials, AWS_REGION and AUTOSCALER_LIVE_TARGET\n');
}

(live ? describe : describe.skip)('live AWS (AUTOSCALER_LIVE=1)', () => {
  it('describes the live endpoint variant through the real API', async () => {
    if (!target || !process.env['AWS_REGION']) throw new Error('set AUTOSCALER_LIVE_TARGET=endpoint/<name>/variant/<variant> and AWS_REGION');
    const clients = createAwsClients({ region: process.env['AWS_REGION'] });
    const state = await new SageMakerProvider(clients).describe({ provider: 'aws-sagemaker', id: target });
    expect(['ready', 'updating', 'failed']).toContain(state.status);
    expect(state.capacity.replicas).toBeGreaterThanOrEqual(0);
    clients.destroy();
  }, 30_000);
});
