import { ValidationError } from '../src/errors';

/** Runs `fn` and expects a ValidationError whose first issue names `path`. */
export function expectValidationErrorAt(fn: () => unknown, path: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues[0]?.path).toBe(path);
}
