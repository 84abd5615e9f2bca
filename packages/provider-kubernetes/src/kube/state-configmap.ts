import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError, type PersistedState } from '@autoscaler/core';
import { persistedStatePatch } from '../model/annotations';
import type { WorkloadId } from '../model/ids';
import type { KubeApi } from './kube-api';

/** The ConfigMap key of a workload: `<namespace>.<kind>.<name>` (the first two dots separate; a long name is hashed). */
export function stateKey(id: WorkloadId): string {
  const key = `${id.namespace}.${id.kind}.${id.name}`;
  return key.length <= 253 ? key : `${id.namespace}.${id.kind}.${createHash('sha256').update(id.name).digest('hex').slice(0, 40)}`;
}

/**
 * The autoscaler's memory of every workload (cooldown marks, dedupe keys, recommendations) in
 * one ConfigMap of its own namespace, so the default RBAC needs no write access to workloads
 * beyond their `scale` subresource. One GET when a run starts; each write is a JSON merge patch
 * of one key (no resourceVersion: writes for different workloads never clobber each other).
 * About 1-2 KB per workload that acted: a ConfigMap's 1 MiB holds several hundred.
 */
export class ConfigMapStateStore {
  private data = new Map<string, Record<string, string>>();
  private exists = false;
  /** The one create of a first run, shared by concurrent writers (the others would get 409s). */
  private creating: Promise<void> | undefined;

  constructor(
    private readonly api: KubeApi,
    readonly namespace: string,
    readonly name = 'autoscaler-state',
  ) {}

  async load(signal?: AbortSignal): Promise<void> {
    this.data.clear();
    try {
      const cm = await this.api.getConfigMap(this.namespace, this.name, signal);
      this.exists = true;
      for (const [k, v] of Object.entries(cm.data ?? {})) {
        try {
          const doc = JSON.parse(v) as unknown;
          if (typeof doc === 'object' && doc !== null && !Array.isArray(doc))
            this.data.set(k, Object.fromEntries(Object.entries(doc).filter((e): e is [string, string] => typeof e[1] === 'string')));
        } catch {
          // A damaged entry is a lost memory, not a failed run (readPersistedState reports nothing here: there is nothing to read).
        }
      }
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e;
      this.exists = false;
    }
  }

  /** The stored state of a workload in annotation form (what `readPersistedState` reads), if any. */
  get(id: WorkloadId): Record<string, string> | undefined {
    return this.data.get(stateKey(id));
  }

  async write(id: WorkloadId, state: PersistedState, signal?: AbortSignal): Promise<void> {
    const entry = Object.fromEntries(Object.entries(persistedStatePatch(state)).filter((e): e is [string, string] => e[1] !== null));
    const data = { [stateKey(id)]: JSON.stringify(entry) };
    if (!this.exists) {
      this.creating ??= this.api
        .createConfigMap(
          this.namespace,
          { metadata: { name: this.name, namespace: this.namespace, labels: { 'app.kubernetes.io/managed-by': 'autoscaler' } }, data: {} },
          signal,
        )
        .then(
          () => {
            this.exists = true;
          },
          (e: unknown) => {
            this.creating = undefined;
            // Created meanwhile (409 AlreadyExists): patch it like any other write.
            if (!(e instanceof ConflictError)) throw e;
            this.exists = true;
          },
        );
      await this.creating;
    }
    await this.api.patchConfigMap(this.namespace, this.name, { data }, signal);
    this.data.set(stateKey(id), entry);
  }
}
