import { ValidationError } from '@autoscaler/core';

/** SageMaker names: `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}` (endpoints, variants, endpoint configs). */
export const SAGEMAKER_NAME = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;
const VARIANT_ID = /^endpoint\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/variant\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})$/;

const COMPONENT_ID = /^inference-component\/([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})$/;

/** The Application Auto Scaling dimension of an inference component's copy count. */
export const COMPONENT_DIMENSION = 'sagemaker:inference-component:DesiredCopyCount';
/** The Application Auto Scaling dimension of a SageMaker variant's instance count. */
export const VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
export const PROVIDER_NAME = 'aws-sagemaker';
/** Tag on what a native export created (scalable target, alarms): `teardown aws` deletes exactly those. */
export const OWNER_TAG = 'autoscaler:owner';

export interface VariantId {
  endpoint: string;
  variant: string;
}

/** `endpoint/<name>/variant/<variant>` (also the Application Auto Scaling ResourceId), checked by regex, not "contains". */
export function parseVariantId(id: unknown, path = 'target.id'): VariantId {
  if (typeof id !== 'string') throw ValidationError.field(path, `must be a string like endpoint/<name>/variant/<variant>, got ${typeof id}`);
  const m = VARIANT_ID.exec(id);
  if (!m)
    throw ValidationError.field(
      path,
      `"${id.slice(0, 200)}" is not endpoint/<name>/variant/<variant> with SageMaker names (letters, digits, hyphens; at most 63)`,
    );
  return { endpoint: m[1]!, variant: m[2]! };
}

export function variantId(endpoint: string, variant: string): string {
  return `endpoint/${endpoint}/variant/${variant}`;
}

export interface ComponentId {
  component: string;
}

export type SageMakerTargetId = ({ kind: 'variant' } & VariantId) | ({ kind: 'component' } & ComponentId);

const SHAPES = 'endpoint/<name>/variant/<variant> or inference-component/<name>';

/** A variant or an inference component (`inference-component/<name>`, also its Application Auto Scaling ResourceId). */
export function parseTargetId(id: unknown, path = 'target.id'): SageMakerTargetId {
  if (typeof id !== 'string') throw ValidationError.field(path, `must be a string like ${SHAPES}, got ${typeof id}`);
  if (id.startsWith('inference-component/')) {
    const m = COMPONENT_ID.exec(id);
    if (!m)
      throw ValidationError.field(path, `"${id.slice(0, 200)}" is not inference-component/<name> with a SageMaker name (letters, digits, hyphens; at most 63)`);
    return { kind: 'component', component: m[1]! };
  }
  if (!id.startsWith('endpoint/')) throw ValidationError.field(path, `"${id.slice(0, 200)}" is not ${SHAPES}`);
  return { kind: 'variant', ...parseVariantId(id, path) };
}

export function isComponentId(id: string): boolean {
  return COMPONENT_ID.test(id);
}

/** The Application Auto Scaling dimension of a serverless variant's provisioned concurrency (same ResourceId as the variant). */
export const PROVISIONED_CONCURRENCY_DIMENSION = 'sagemaker:variant:DesiredProvisionedConcurrency';

export type SageMakerScalableDimension = typeof VARIANT_DIMENSION | typeof COMPONENT_DIMENSION | typeof PROVISIONED_CONCURRENCY_DIMENSION;

/** The dimensions a target id may be registered under: a variant's instances or (serverless) provisioned concurrency; a component's copies. */
export function possibleDimensionsOf(resourceId: string): SageMakerScalableDimension[] {
  return parseTargetId(resourceId).kind === 'component' ? [COMPONENT_DIMENSION] : [VARIANT_DIMENSION, PROVISIONED_CONCURRENCY_DIMENSION];
}

/** The Application Auto Scaling dimension of a target id (its ResourceId): copies of a component, instances of a variant. */
export function scalableDimensionOf(resourceId: string, path = 'target.id'): SageMakerScalableDimension {
  return parseTargetId(resourceId, path).kind === 'component' ? COMPONENT_DIMENSION : VARIANT_DIMENSION;
}

/** Alarms `setup aws` creates for a target are named with this prefix (`autoscaler-aas-<endpoint>-<variant>-`, `autoscaler-aas-ic-<component>-`). */
export function nativeAlarmPrefix(resourceId: string): string {
  const id = parseTargetId(resourceId);
  return id.kind === 'component' ? `autoscaler-aas-ic-${id.component}-` : `autoscaler-aas-${id.endpoint}-${id.variant}-`;
}
