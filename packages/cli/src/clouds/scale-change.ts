import type { ScaleRequest } from './types';

/** The capacity a `scale` request asks for: only the fields given on the command line. */
export function requestedCapacity(request: ScaleRequest): { replicas?: number; size?: string } {
  return {
    ...(request.replicas !== undefined ? { replicas: request.replicas } : {}),
    ...(request.size !== undefined ? { size: request.size } : {}),
  };
}
