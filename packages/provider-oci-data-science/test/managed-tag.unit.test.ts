import { isManaged } from '../src/state-tags';

/** Opting out opts out: only the value "true" (any case, spaces trimmed) marks a deployment as managed. */
describe('the autoscaler-managed tag', () => {
  it.each([
    [{ 'autoscaler-managed': 'true' }, true],
    [{ 'autoscaler-managed': 'TRUE' }, true],
    [{ 'autoscaler-managed': 'false' }, false],
    [{ 'autoscaler-managed': '' }, false],
    [{ 'autoscaler-managed': ' true ' }, true], // trimmed, as on every cloud (core's isManagedValue)
    [{ 'autoscaler-managed': 'yes' }, false],
    [{ 'autoscaler-managed': '1' }, false],
    [{ 'Autoscaler-Managed': 'true' }, false],
    [{}, false],
    [undefined, false],
  ])('%j -> %s', (tags, managed) => {
    expect(isManaged(tags)).toBe(managed);
  });
});
