import { ValidationError } from '@autoscaler/core';

/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource):
 * `<signed decimal><suffix>`, suffix one of the binary SI (`Ki`..`Ei`), the
 * decimal SI (`n u m "" k M G T P E`) or a decimal exponent (`e3`, `E-2`).
 * metrics-server reports CPU in nanocores (`9559630n`) and memory in `Ki`.
 */
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIX: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** True when `value` is a syntactically valid quantity. */
export function isQuantity(value: unknown): value is string {
  return typeof value === 'string' && QUANTITY.test(value);
}

/** The quantity in base units (cores for CPU, bytes for memory). */
export function parseQuantity(value: unknown, field = 'quantity'): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string')
    throw ValidationError.field(field, `must be a quantity string like "250m", "9559630n" or "512Mi", got ${value === null ? 'null' : typeof value}`);
  const m = QUANTITY.exec(value);
  if (!m)
    throw ValidationError.field(
      field,
      `"${value.length > 40 ? `${value.slice(0, 40)}...` : value}" is not a Kubernetes quantity (e.g. "250m", "9559630n", "1.5", "512Mi", "1e3")`,
    );
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix]!;
  const out = num * factor;
  if (!Number.isFinite(out)) throw ValidationError.field(field, `"${value}" is out of range`);
  return out;
}

/** CPU cores as the canonical string: whole cores plain, otherwise millicores (rounded up, like the apiserver). */
export function formatCpu(cores: number): string {
  const milli = Math.ceil(cores * 1000 - 1e-9);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Bytes with the largest exact binary suffix. */
export function formatMemory(bytes: number): string {
  const b = Math.ceil(bytes);
  for (const [suffix, factor] of [
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (b >= factor && b % factor === 0) return `${b / factor}${suffix}`;
  }
  return String(b);
}

/** Go `time.Duration` strings as metrics-server writes them (`30s`, `1m0s`, `34.475s`, `1.5ms`) in seconds. */
export function parseGoDuration(value: unknown, field = 'window'): number {
  if (typeof value !== 'string' || value.length === 0) throw ValidationError.field(field, `must be a duration string like "30s" or "1m0s"`);
  if (value === '0') return 0;
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
  const re = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    total += Number(m[1]) * unit[m[2]!]!;
    pos = re.lastIndex;
  }
  if (pos !== value.length || pos === 0) throw ValidationError.field(field, `"${value.slice(0, 40)}" is not a Go duration (e.g. "30s", "1m0s", "34.475s")`);
  return total;
}
