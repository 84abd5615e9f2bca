import { ValidationError } from '../errors';
import { parseSignal } from '../inputs';
import type { AlarmSource, Signal } from '../types';

/** Signals as plain JSON (one object or an array), validated field by field. */
export class MemoryAlarmSource implements AlarmSource {
  readonly name: string;
  constructor(name = 'memory') {
    this.name = name;
  }

  parse(raw: unknown): Signal[] {
    let doc = raw;
    if (typeof raw === 'string' || raw instanceof Uint8Array) {
      try {
        doc = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
      } catch {
        throw ValidationError.field('body', 'is not valid JSON');
      }
    }
    const items = Array.isArray(doc) ? doc : [doc];
    if (items.length === 0) throw ValidationError.field('body', 'holds no signal');
    return items.map((item, i) => {
      try {
        return parseSignal(item);
      } catch (e) {
        if (e instanceof ValidationError && Array.isArray(doc)) {
          throw new ValidationError(
            `invalid signal [${i}]`,
            e.issues.map((x) => ({ path: `[${i}].${x.path}`, message: x.message })),
          );
        }
        throw e;
      }
    });
  }
}
