import { ValidationError } from '../src/errors';

/** The ValidationError `fn` throws (fails the test when it throws nothing or something else). */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

/** Expects `fn` to throw a ValidationError whose first issue names `path`. */
export function expectValidationErrorAt(fn: () => unknown, path: string): void {
  expect(validationErrorOf(fn).issues[0]?.path).toBe(path);
}

/** The issues of the ValidationError `fn` throws, as path -> message. */
export function issuesByPath(fn: () => unknown): Record<string, string> {
  return Object.fromEntries(validationErrorOf(fn).issues.map((i) => [i.path, i.message]));
}
