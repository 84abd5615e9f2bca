import * as YAML from 'yaml';
import { ValidationError } from '@autoscaler/core';

interface ParsedDocument {
  errors: ReadonlyArray<{ message: string }>;
  toJSON(): unknown;
}

/**
 * Every document of a YAML (or JSON) text, as kubectl reads a manifest. Written against the API that
 * `yaml` 1.x and 2.x share. A syntax error is a ValidationError naming `field`.
 */
export function parseYamlDocuments(text: string, field: string): unknown[] {
  let docs: ParsedDocument[];
  try {
    docs = [...(YAML.parseAllDocuments(text) as unknown as Iterable<ParsedDocument>)];
  } catch (e) {
    throw ValidationError.field(field, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const out: unknown[] = [];
  for (const d of docs) {
    if (d.errors.length > 0) throw ValidationError.field(field, `not valid YAML: ${d.errors[0]!.message.split('\n')[0]}`);
    let v: unknown;
    try {
      v = d.toJSON();
    } catch (e) {
      // An alias to an anchor never set (`*x`), or one expanding past the alias limit (a "billion laughs").
      throw ValidationError.field(field, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (v !== null && v !== undefined) out.push(v);
  }
  return out;
}

/** One YAML/JSON document; more than one is a ValidationError naming `field`. */
export function parseYamlDocument(text: string, field: string): unknown {
  const docs = parseYamlDocuments(text, field);
  if (docs.length > 1) throw ValidationError.field(field, `holds ${docs.length} YAML documents; expected one`);
  return docs[0];
}

export function toYaml(value: unknown): string {
  return YAML.stringify(value);
}
