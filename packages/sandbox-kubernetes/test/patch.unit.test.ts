import fc from 'fast-check';
import { HttpError } from '@autoscaler/testing';
import { jsonPatch, mergePatch, strategicMergePatch, type Json } from '../src/patch';

describe('JSON merge patch (RFC 7386 appendix A)', () => {
  // The test cases of RFC 7386, Appendix A.
  const cases: Array<[Json, Json, Json]> = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  it.each(cases)('%j + %j = %j', (target, patch, result) => {
    expect(mergePatch(target, patch)).toEqual(result);
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('adds, removes, replaces, moves, copies and tests (RFC 6902 appendix A examples)', () => {
    expect(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).toEqual({ baz: 'qux', foo: 'bar' });
    expect(jsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ foo: ['bar', 'qux', 'baz'] });
    expect(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).toEqual({ foo: 'bar' });
    expect(jsonPatch({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).toEqual({ foo: ['bar', 'baz'] });
    expect(jsonPatch({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).toEqual({ baz: 'boo', foo: 'bar' });
    expect(jsonPatch({ foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } }, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).toEqual({
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
    expect(jsonPatch({ foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).toEqual({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
    expect(
      jsonPatch({ baz: 'qux', foo: ['a', 2, 'c'] }, [
        { op: 'test', path: '/baz', value: 'qux' },
        { op: 'test', path: '/foo/1', value: 2 },
      ]),
    ).toEqual({ baz: 'qux', foo: ['a', 2, 'c'] });
    expect(jsonPatch({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).toEqual({ foo: ['bar', ['abc', 'def']] });
    expect(jsonPatch({ '/': 1, '~1': 2 }, [{ op: 'copy', from: '/~01', path: '/a~1b' }])).toEqual({ '/': 1, '~1': 2, 'a/b': 2 });
  });

  it('fails with a Status error on a failed test, a missing path or an unknown op, leaving the input alone', () => {
    const doc = { baz: 'qux' };
    for (const ops of [
      [{ op: 'test', path: '/baz', value: 'bar' }],
      [{ op: 'add', path: '/baz/bat/x', value: 1 }],
      [{ op: 'remove', path: '/nope' }],
      [{ op: 'frob', path: '/baz' }],
      { op: 'add' },
    ]) {
      expect(() => jsonPatch(doc, ops as Json)).toThrow(HttpError);
    }
    expect(doc).toEqual({ baz: 'qux' });
  });
});

describe('strategic merge patch', () => {
  const deployment: Json = {
    metadata: { finalizers: ['a'] },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'server', image: 'img:1', env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '500m', memory: '1Gi' } } },
            { name: 'sidecar', image: 'side:1' },
          ],
          tolerations: [{ key: 'x' }],
        },
      },
    },
  };

  it('merges containers and env by name, replaces lists without a merge key', () => {
    const out = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'server', env: [{ name: 'B', value: '2' }], resources: { limits: { cpu: '1' } } },
              { name: 'new', image: 'n:1' },
            ],
            tolerations: [{ key: 'y' }],
          },
        },
      },
    }) as { spec: { template: { spec: { containers: Array<Record<string, unknown>>; tolerations: unknown } } } };
    const cs = out.spec.template.spec.containers;
    expect(cs.map((c) => c['name'])).toEqual(['server', 'sidecar', 'new']);
    expect(cs[0]).toEqual({
      name: 'server',
      image: 'img:1',
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1' } },
    });
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'y' }]);
  });

  it('honours $patch delete/replace, $retainKeys, $deleteFromPrimitiveList and merges finalizers', () => {
    const out = strategicMergePatch(deployment, {
      metadata: { finalizers: ['b'], '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'sidecar', $patch: 'delete' },
              { name: 'server', resources: { $patch: 'replace', requests: { cpu: '2' } } },
            ],
            '$setElementOrder/containers': [{ name: 'server' }],
          },
        },
      },
    }) as { metadata: { finalizers: string[] }; spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
    expect(out.metadata.finalizers).toEqual(['b']);
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'server', image: 'img:1', env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '2' } } },
    ]);
    expect(strategicMergePatch({ a: 1, b: 2, c: 3 }, { $retainKeys: ['a', 'c'], c: 4 })).toEqual({ a: 1, c: 4 });
    expect(strategicMergePatch({ a: { x: 1 } }, { a: { $patch: 'delete' } })).toEqual({});
  });

  it('without lists it is a JSON merge patch (property)', () => {
    const noLists = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.integer(), fc.string(), tie('object')),
      object: fc.dictionary(
        fc.string().filter((k) => !k.startsWith('$')),
        tie('value'),
        { maxKeys: 4 },
      ),
    })).object as fc.Arbitrary<Json>;
    fc.assert(
      fc.property(noLists, noLists, (t, p) => expect(strategicMergePatch(t, p)).toEqual(mergePatch(t, p))),
      { numRuns: 300 },
    );
  });
});
