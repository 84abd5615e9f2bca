import {
  CircuitBreaker,
  ConfigFileAuthenticationDetailsProvider,
  FetchHttpClient,
  ResourcePrincipalAuthenticationDetailsProvider,
  isRegionProvider,
} from 'oci-common';
import type { AuthenticationDetailsProvider, ClientConfiguration, Region } from 'oci-common';
import { ValidationError } from '@autoscaler/core';
import { DataScienceClient } from 'oci-datascience';
import { MonitoringClient } from 'oci-monitoring';
import { NotificationControlPlaneClient, NotificationDataPlaneClient } from 'oci-ons';
import { callSignal } from './deadline';
import { KeyObjectRequestSigner } from './request-signer';
import { retryConfiguration, type RetryPolicy } from './retry';

/** The SDK clients the provider, the alarm source, the notifier and the CLI use. Always injected. */
export interface OciClients {
  dataScience: DataScienceClient;
  monitoring: MonitoringClient;
  /** Subscriptions and PublishMessage. */
  notifications: NotificationDataPlaneClient;
  /** Topics. */
  topics: NotificationControlPlaneClient;
}

export interface OciClientOptions {
  authProvider: AuthenticationDetailsProvider;
  /** One base URL for every service (a sandbox or a test fake). */
  endpoint?: string;
  /** Region id (`us-ashburn-1`) when no endpoint is given. */
  region?: string;
  retry?: Partial<RetryPolicy>;
  /** Per-request timeout; a request with no answer by then fails (and may be retried). Default 10 s. */
  requestTimeoutMs?: number;
  /** `keyobject` (default): sign with the key parsed once; `sdk`: the SDK's DefaultRequestSigner. */
  signer?: 'keyobject' | 'sdk';
}

/**
 * Client configuration: deliberate retries (see retry.ts), no circuit breaker
 * (a function lives for one alarm; a breaker would only hide the first
 * failures), and a per-request timeout — fetch has none by default.
 */
export function clientConfiguration(options: Pick<OciClientOptions, 'retry' | 'requestTimeoutMs'> = {}): ClientConfiguration {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const deadline = options.retry?.deadline;
  const now = options.retry?.now ?? Date.now;
  // fetch(request, httpOptions) reads `signal` on every call: a getter gives each request its own timer.
  const httpOptions = {
    get signal(): AbortSignal {
      const left = deadline?.();
      const ms = left === undefined ? timeoutMs : Math.max(1, Math.min(timeoutMs, left - now()));
      const timeout = AbortSignal.timeout(ms);
      // Inside callWithin: also stop when that call is given up (its deadline or the caller's abort).
      const bounded = callSignal.getStore();
      return bounded ? AbortSignal.any([timeout, bounded]) : timeout;
    },
  };
  return {
    retryConfiguration: retryConfiguration(options.retry),
    circuitBreaker: new CircuitBreaker({ disableClientCircuitBreaker: true }),
    httpOptions,
  };
}

export function createOciClients(options: OciClientOptions): OciClients {
  const config = clientConfiguration(options);
  const fast = options.signer !== 'sdk' && KeyObjectRequestSigner.supports(options.authProvider);
  // The SDK takes either an auth provider or an http client (which then signs).
  const params = fast
    ? { httpClient: new FetchHttpClient(new KeyObjectRequestSigner(options.authProvider), null, config.httpOptions) }
    : { authenticationDetailsProvider: options.authProvider };
  const providerRegion: Region | undefined = isRegionProvider(options.authProvider) ? options.authProvider.getRegion() : undefined;
  const place = <C extends { endpoint: string; regionId: string; region: Region }>(c: C): C => {
    if (options.endpoint !== undefined) c.endpoint = options.endpoint.replace(/\/+$/, '');
    else if (options.region !== undefined) c.regionId = options.region;
    else if (providerRegion) c.region = providerRegion;
    return c;
  };
  // Each client is built on first use (and kept): a function handling one alarm never needs the
  // topics client, and building SDK clients is part of every cold start.
  return builtOnFirstUse<OciClients>({
    dataScience: () => place(new DataScienceClient(params, config)),
    monitoring: () => place(new MonitoringClient(params, config)),
    notifications: () => place(new NotificationDataPlaneClient(params, config)),
    topics: () => place(new NotificationControlPlaneClient(params, config)),
  });
}

/** An object whose every property is built by its function when first read, then kept (assigning replaces it). */
function builtOnFirstUse<T extends object>(build: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const key of Object.keys(build) as Array<keyof T>) {
    let value: T[keyof T] | undefined;
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => (value ??= build[key]()),
      set: (v: T[keyof T]) => {
        value = v;
      },
    });
  }
  return out;
}

/** API-key auth from an OCI config file (`~/.oci/config` by default), as the OCI CLI uses it. */
export function configFileAuth(configFile?: string, profile?: string): AuthenticationDetailsProvider {
  try {
    return new ConfigFileAuthenticationDetailsProvider(configFile, profile);
  } catch (e) {
    throw ValidationError.field('--config', `cannot use OCI config ${configFile ?? '~/.oci/config'}${profile ? ` [${profile}]` : ''}: ${(e as Error).message}`);
  }
}

/** The function's own identity in OCI Functions (resource principal; the runtime sets OCI_RESOURCE_PRINCIPAL_*). */
export function resourcePrincipalAuth(): AuthenticationDetailsProvider {
  return ResourcePrincipalAuthenticationDetailsProvider.builder();
}

/** Authentication for the SDK clients (re-exported so apps need no direct oci-common import). */
export type OciAuth = AuthenticationDetailsProvider;
