import fc from 'fast-check';
import { ValidationError } from '@autoscaler/core';
import { parseYamlDocument, parseYamlDocuments, toYaml } from '../src';

describe('Kubernetes YAML text', () => {
  it('reads every non-empty document of a manifest, JSON included', () => {
    expect(parseYamlDocuments('a: 1\n---\n---\nb: [x, y]\n', 'manifest')).toEqual([{ a: 1 }, { b: ['x', 'y'] }]);
    expect(parseYamlDocuments('{"kind": "Deployment"}', 'manifest')).toEqual([{ kind: 'Deployment' }]);
    expect(parseYamlDocuments('', 'manifest')).toEqual([]);
  });

  it('a syntax error or a second document is a ValidationError naming the field', () => {
    expect(() => parseYamlDocuments('a: [1, 2\n', 'data.policy')).toThrow(ValidationError);
    expect(() => parseYamlDocuments('a: [1, 2\n', 'data.policy')).toThrow(/data\.policy: not valid YAML/);
    expect(() => parseYamlDocument('a: 1\n---\nb: 2\n', 'data.tiers')).toThrow(/data\.tiers: holds 2 YAML documents; expected one/);
    expect(parseYamlDocument('a: 1\n', 'data.tiers')).toEqual({ a: 1 });
    expect(parseYamlDocument('', 'data.tiers')).toBeUndefined();
    // Found by the fuzz test below: an alias to no anchor used to escape as a ReferenceError.
    expect(() => parseYamlDocuments('a: *nowhere\n', 'data.policy')).toThrow(/data\.policy: not valid YAML: Unresolved alias/);
    expect(() => parseYamlDocuments('*"', 'data.policy')).toThrow(ValidationError);
  });

  it('what toYaml writes reads back the same', () => {
    const value = { apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'sandbox', cluster: { server: 'https://127.0.0.1:6443' } }] };
    expect(parseYamlDocument(toYaml(value), 'kubeconfig')).toEqual(value);
  });

  it('any text either parses or is a ValidationError, never another crash (fuzzed)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-:{}[\]"' \n#a-z0-9|>&*!%@`,?]*$/)), (text) => {
        try {
          parseYamlDocuments(text, 'manifest');
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
          expect((e as Error).message).toContain('manifest');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
