import { parseQuantity } from './kubernetes-quantity';

/** A container's `resources`: quantities by resource name. */
export interface ContainerResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

const q = (v: string | undefined): number | undefined => (v === undefined ? undefined : parseQuantity(v));

/**
 * A pod's QoS class from its containers' requests/limits (an unset request defaults to the limit), as the
 * apiserver computes it (pkg/apis/core/helper/qos): Guaranteed when every container sets equal cpu and memory
 * limits and requests, BestEffort when none sets any, Burstable otherwise.
 */
export function qosClass(containers: readonly (ContainerResources | undefined)[]): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  let any = false;
  let guaranteed = true;
  for (const r of containers) {
    if (Object.keys(r?.requests ?? {}).length > 0 || Object.keys(r?.limits ?? {}).length > 0) any = true;
    for (const k of ['cpu', 'memory']) {
      const l = q(r?.limits?.[k]);
      const req = q(r?.requests?.[k]) ?? l;
      if (l === undefined || req === undefined || l !== req) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
