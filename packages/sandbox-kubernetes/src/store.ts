import { randomUUID } from 'node:crypto';
import type { Json } from './patch';
import type { ResourceDef } from './resources';

/** A stored Kubernetes object (JSON as the apiserver returns it). */
export type KubeObject = { [key: string]: Json } & { metadata: ObjectMeta };

export interface ObjectMeta {
  [key: string]: Json | undefined;
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  labels?: { [key: string]: string };
  annotations?: { [key: string]: string };
}

const keyOf = (def: Pick<ResourceDef, 'group' | 'resource'>): string => `${def.group}/${def.resource}`;

/**
 * The fake's etcd: objects by resource and `namespace/name`, one global
 * resourceVersion counter (like etcd's revision), so versions only grow and
 * every write makes the previous version stale.
 */
export class ObjectStore {
  private revision = 1000;
  private readonly objects = new Map<string, Map<string, KubeObject>>();

  /** The current revision (list `metadata.resourceVersion`). */
  get resourceVersion(): string {
    return String(this.revision);
  }

  bump(): string {
    this.revision++;
    return String(this.revision);
  }

  newUid(): string {
    return randomUUID();
  }

  private bucket(def: Pick<ResourceDef, 'group' | 'resource'>): Map<string, KubeObject> {
    const k = keyOf(def);
    let b = this.objects.get(k);
    if (!b) {
      b = new Map();
      this.objects.set(k, b);
    }
    return b;
  }

  get(def: Pick<ResourceDef, 'group' | 'resource'>, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.bucket(def).get(`${namespace ?? ''}/${name}`);
  }

  /** Objects of a resource, in one namespace or all, sorted by namespace then name (as etcd keys sort). */
  list(def: Pick<ResourceDef, 'group' | 'resource'>, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const o of this.bucket(def).values()) if (namespace === undefined || o.metadata.namespace === namespace) out.push(o);
    return out.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  /** Store an object under a fresh resourceVersion; returns it. */
  put(def: Pick<ResourceDef, 'group' | 'resource'>, obj: KubeObject): KubeObject {
    obj.metadata.resourceVersion = this.bump();
    this.bucket(def).set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
    return obj;
  }

  delete(def: Pick<ResourceDef, 'group' | 'resource'>, namespace: string | undefined, name: string): KubeObject | undefined {
    const b = this.bucket(def);
    const k = `${namespace ?? ''}/${name}`;
    const o = b.get(k);
    if (o) {
      b.delete(k);
      this.bump();
    }
    return o;
  }
}
