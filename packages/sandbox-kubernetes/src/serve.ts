import type { Clock } from '@autoscaler/core';
import { startFakeServer, type FakeHandler, type FakeServer, type FaultQueue, type RequestLog } from '@autoscaler/testing';
import type { TlsCredentials } from '@autoscaler/testing';

export interface ServeOptions {
  /** 0 (default) picks a free port; `autoscaler sandbox k8s --port N` asks for one. */
  port?: number;
  clock?: Pick<Clock, 'sleep'>;
  faults?: FaultQueue;
  log?: RequestLog;
  /** Keep the request log bounded in a long-running sandbox. */
  maxLogEntries?: number;
  /** Serve HTTPS with this key and certificate (default: plain HTTP). */
  tls?: TlsCredentials;
}

export type ServedFake = FakeServer;

/** A bug in the fake answers like an apiserver would: a `Status` object. */
function internalError(message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `fake apiserver bug: ${message}`, reason: 'InternalError', code: 500 };
}

/** The shared wire-fake server from @autoscaler/testing, answering in Kubernetes' error shapes. */
export function serveFake(handler: FakeHandler, options: ServeOptions = {}): Promise<ServedFake> {
  return startFakeServer(handler, { ...options, bugBody: internalError, faultBody: (status) => ({ message: `injected ${status}` }) });
}
