/**
 * One base error with a stable `code`, and narrow subclasses. Apps map codes to
 * exit codes / HTTP results; nothing else in the codebase should throw a bare Error
 * for a condition a user can cause.
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_MANAGED'
  | 'CONFLICT'
  | 'TRANSIENT'
  | 'PROVIDER'
  | 'NOT_READY'
  | 'NOT_FOUND'
  /** A bug, not bad input: an exception that is not an AutoscalerError. */
  | 'INTERNAL';

export interface Issue {
  /** Dotted/bracketed path of the offending field, e.g. `rules[2].step.adjustments[0].lower`. */
  path: string;
  message: string;
}

export class AutoscalerError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Bad input: every problem is listed by path. */
export class ValidationError extends AutoscalerError {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = [], options?: { cause?: unknown }) {
    // One line, so audit records and logs carry every problem.
    super('VALIDATION', issues.length > 0 ? `${message}: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}` : message, options);
    this.issues = issues;
  }

  /** Convenience for a single bad field. */
  static field(path: string, message: string): ValidationError {
    const e = new ValidationError('invalid input', [{ path, message }]);
    e.message = `invalid ${path}: ${message}`;
    return e;
  }
}

/** The event names a target that is neither listed by a policy nor tagged as managed. */
export class NotManagedError extends AutoscalerError {
  constructor(message: string) {
    super('NOT_MANAGED', message);
  }
}

/** Optimistic concurrency failed (ETag / resourceVersion / endpoint config changed). */
export class ConflictError extends AutoscalerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONFLICT', message, options);
  }
}

/** Worth retrying later: throttling, 5xx, timeouts. */
export class TransientError extends AutoscalerError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TRANSIENT', message, options);
  }
}

/** The provider refused or failed in a way retrying will not fix. */
export class ProviderError extends AutoscalerError {
  readonly status?: number;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super('PROVIDER', message, options);
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** The target exists but cannot be changed now (updating, failed). */
export class NotReadyError extends AutoscalerError {
  constructor(message: string) {
    super('NOT_READY', message);
  }
}

export class NotFoundError extends AutoscalerError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export function isAutoscalerError(e: unknown): e is AutoscalerError {
  return e instanceof AutoscalerError;
}
