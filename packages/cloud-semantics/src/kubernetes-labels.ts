import { ValidationError } from '@autoscaler/core';

/** A `metav1.LabelSelector` as it appears in Deployment/StatefulSet specs. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** One requirement of a parsed selector (k8s.io/apimachinery/pkg/labels). */
export interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
  values: string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

export function matches(requirements: readonly Requirement[], labels: Labels): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? l[r.key]! : undefined;
    switch (r.op) {
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        return r.op === 'gt' ? n > bound : n < bound;
      }
    }
  });
}

/** Requirements of a structured selector; an empty selector matches everything (as the apiserver reads it). */
export function selectorRequirements(selector: LabelSelector | undefined, field = 'spec.selector'): Requirement[] {
  const out: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) out.push({ key, op: 'in', values: [value] });
  (selector?.matchExpressions ?? []).forEach((e, i) => {
    const op = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' }[e.operator] as Requirement['op'] | undefined;
    if (!op) throw ValidationError.field(`${field}.matchExpressions[${i}].operator`, `"${e.operator}" is not one of In, NotIn, Exists, DoesNotExist`);
    out.push({ key: e.key, op, values: [...(e.values ?? [])] });
  });
  return out;
}

/** The label-query string of a structured selector (what `Scale.status.selector` and `?labelSelector=` carry). */
export function formatSelector(requirements: readonly Requirement[]): string {
  return [...requirements]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((r) => {
      switch (r.op) {
        case 'in':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${[...r.values].sort().join(',')})`;
        case 'notin':
          return `${r.key} notin (${[...r.values].sort().join(',')})`;
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case 'gt':
          return `${r.key}>${r.values[0]}`;
        case 'lt':
          return `${r.key}<${r.values[0]}`;
      }
    })
    .join(',');
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Parses a label-query string (`app=web,tier!=cache,env in (a,b),!canary,release`),
 * the grammar of `labels.Parse` in k8s.io/apimachinery.
 */
export function parseSelector(text: string, field = 'labelSelector'): Requirement[] {
  const out: Requirement[] = [];
  let i = 0;
  const s = text;
  const fail = (msg: string): never => {
    throw ValidationError.field(field, `"${s.length > 80 ? `${s.slice(0, 80)}...` : s}": ${msg}`);
  };
  const ws = (): void => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const word = (): string => {
    const start = i;
    while (i < s.length && !' ,=!()<>'.includes(s[i]!)) i++;
    return s.slice(start, i);
  };
  const checkKey = (k: string): string => {
    if (!KEY.test(k) || k.length > 317) fail(`invalid label key "${k}"`);
    return k;
  };
  const checkValue = (v: string): string => {
    if (v.length > 63 || !VALUE.test(v)) fail(`invalid label value "${v}"`);
    return v;
  };
  ws();
  if (i >= s.length) return out;
  for (;;) {
    ws();
    if (s[i] === '!') {
      i++;
      ws();
      out.push({ key: checkKey(word()), op: '!', values: [] });
    } else {
      const key = checkKey(word());
      ws();
      if (i >= s.length || s[i] === ',') {
        out.push({ key, op: 'exists', values: [] });
      } else if (s.startsWith('==', i) || s[i] === '=') {
        i += s.startsWith('==', i) ? 2 : 1;
        ws();
        out.push({ key, op: 'in', values: [checkValue(word())] });
      } else if (s.startsWith('!=', i)) {
        i += 2;
        ws();
        out.push({ key, op: 'notin', values: [checkValue(word())] });
      } else if (s[i] === '>' || s[i] === '<') {
        const op = s[i] === '>' ? 'gt' : 'lt';
        i++;
        ws();
        const v = word();
        if (!/^-?\d+$/.test(v)) fail(`"${v}" after ${op === 'gt' ? '>' : '<'} must be an integer`);
        out.push({ key, op, values: [v] });
      } else {
        const op = word();
        if (op !== 'in' && op !== 'notin') fail(`expected =, ==, !=, in, notin after "${key}", got "${op || s[i]}"`);
        ws();
        if (s[i] !== '(') fail(`expected "(" after ${op}`);
        i++;
        const values: string[] = [];
        for (;;) {
          ws();
          values.push(checkValue(word()));
          ws();
          if (s[i] === ',') {
            i++;
            continue;
          }
          if (s[i] === ')') {
            i++;
            break;
          }
          fail(`expected "," or ")" in the value set of "${key}"`);
        }
        out.push({ key, op: op as 'in' | 'notin', values });
      }
    }
    ws();
    if (i >= s.length) return out;
    if (s[i] !== ',') fail(`unexpected "${s[i]}" at position ${i}`);
    i++;
  }
}
