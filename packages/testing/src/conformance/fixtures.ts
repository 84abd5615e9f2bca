import type { AlarmSource, Provider, TargetRef } from '@autoscaler/core';

/** What a provider's test hands the conformance kit: a provider wired to its fake, and levers on the fake. */
export interface ProviderConformanceFixture {
  provider: Provider;
  /** A ready, managed target with replicas >= 1 and, unless `capabilities.resize` is false, a size ladder of >= 2 sizes, current size not the largest. */
  ready: TargetRef;
  /** The ready target's size ladder, smallest first (default: the provider's `sizes(ref)` helper, if it has one). */
  ladder?: readonly string[];
  /** What the cloud can do; a case for a capability declared absent is reported as not run, by declaration. */
  capabilities?: {
    /** False for a cloud whose instance type is fixed per deployment. */
    resize?: boolean;
  };
  /** A target whose describe() says status 'updating' (omit if the provider cannot make one). */
  updating?: TargetRef;
  /** A syntactically valid id for a target that does not exist. */
  missing?: TargetRef;
  /** Ids validateId must reject. */
  invalidIds: string[];
  /** Change the target out of band so its version changes (another actor). */
  tamper(ref: TargetRef): Promise<void>;
  /** Let an applied change finish so the target is ready again (advance the fake's clock / complete the work request). */
  settle(ref: TargetRef): Promise<void>;
  close(): Promise<void>;
}

export interface AlarmSourceConformanceFixture {
  source: AlarmSource;
  /** golden raw payloads that must parse into >= 1 signal */
  valid: unknown[];
  /** raw payloads that must be rejected with a ValidationError */
  invalid?: unknown[];
}

/** A case that could not run because the fixture lacks what it needs (reported, never silently green). */
export interface NotApplicable {
  notApplicable: string;
}

/** One behaviour the kit checks; exported so a harness test can run a case against a broken fixture. */
export interface ConformanceCase<F> {
  name: string;
  run(fixture: F): Promise<void | NotApplicable>;
}
