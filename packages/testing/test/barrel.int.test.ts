import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The CLI and the simulator load this barrel outside jest (to start wire fakes):
// that must work, and the kits must say clearly that they need jest.
it('loads outside jest, and the kits explain that they run inside jest', () => {
  const root = join(__dirname, '..', '..', '..');
  const script = `
    const m = require('./packages/testing/src/index.ts');
    let kit;
    try { m.runProviderConformance('x', async () => { throw new Error('unused'); }); kit = 'declared'; } catch (e) { kit = e.message; }
    console.log(JSON.stringify({ fake: typeof m.startFakeServer, memory: typeof m.MemoryProvider, kit }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ fake: 'function', memory: 'function', kit: expect.stringContaining('run inside jest') });
});
