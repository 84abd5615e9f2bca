import { randomUUID } from 'node:crypto';
import type { Clock } from '@autoscaler/core';

/** What every fake service shares: where it runs, its time, and the other services. */
export interface FakeWorldOptions {
  region: string;
  accountId: string;
  clock: Clock;
  /** How long an endpoint stays `Updating` after a capacity change (clock time). */
  capacityUpdateMs: number;
  /** How long a blue/green `UpdateEndpoint` takes (clock time). */
  configUpdateMs: number;
}

export interface FakeWorld extends FakeWorldOptions {
  newId(): string;
  /** Bring every service up to the clock's now (finish updates whose time has come). */
  settle(): void;
}

export function createWorld(options: FakeWorldOptions, settle: () => void): FakeWorld {
  return { ...options, newId: () => randomUUID(), settle };
}

/** Human region names, as CloudWatch writes them into alarm notifications. */
export const REGION_NAMES: Readonly<Record<string, string>> = {
  'us-east-1': 'US East (N. Virginia)',
  'us-east-2': 'US East (Ohio)',
  'us-west-1': 'US West (N. California)',
  'us-west-2': 'US West (Oregon)',
  'eu-west-1': 'EU (Ireland)',
  'eu-central-1': 'EU (Frankfurt)',
  'ap-northeast-1': 'Asia Pacific (Tokyo)',
  'ap-southeast-2': 'Asia Pacific (Sydney)',
};
