/** A value-against-threshold comparison, as the clouds' alarm definitions spell it in symbols. */
export type Comparison = '>' | '>=' | '<' | '<=' | '==' | '!=';

/** Whether `value <op> threshold` holds: true means the alarm condition is met. */
export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
