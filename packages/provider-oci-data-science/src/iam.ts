import { requireOcid } from './ocid';
import { MODEL_DEPLOYMENT_NAMESPACE } from './provider';

/**
 * What the autoscaler function calls, as IAM grants. `setup oci` prints these statements and
 * a test drives the function against the wire fake and checks that the operations it calls
 * are exactly the ones listed here: no grant the code does not need, no call without a grant.
 *
 * Narrowing: every statement is limited to the listed API operations
 * (`request.operation`, a general IAM variable), metrics to the model-deployment namespace
 * (`target.metrics.namespace`), and the policy object to its bucket (`target.bucket.name`).
 * OCI documents no condition variable for a model deployment's or an alarm's OCID, and
 * conditions read defined tags only (our tags are freeform), so the deployments themselves
 * are scoped by compartment: put the managed deployments in their own compartment for the
 * tightest grant.
 */
export interface IamGrant {
  verb: 'inspect' | 'read' | 'use' | 'manage';
  resource: string;
  /** API operations the function calls under this grant. */
  operations: readonly string[];
  /** Extra condition, ANDed with the operations. */
  condition?: string;
  why: string;
}

export const FUNCTION_GRANTS: readonly IamGrant[] = [
  {
    verb: 'use',
    resource: 'data-science-model-deployments',
    operations: ['GetModelDeployment', 'UpdateModelDeployment'],
    why: 'read capacity and state tags; change instances, shape or bandwidth (if-match)',
  },
  {
    verb: 'manage',
    resource: 'alarms',
    operations: ['GetAlarm', 'ListAlarms', 'ListAlarmsStatus', 'CreateAlarm', 'UpdateAlarm', 'DeleteAlarm'],
    why: 'verify alarms are FIRING; keep the low alarms in step with capacity',
  },
  {
    verb: 'read',
    resource: 'metrics',
    operations: ['SummarizeMetricsData'],
    condition: `target.metrics.namespace = '${MODEL_DEPLOYMENT_NAMESPACE}'`,
    why: 'metric history for predictive rules; alarm values from Monitoring',
  },
  { verb: 'use', resource: 'ons-topics', operations: ['PublishMessage'], why: 'ONS notifications of actions' },
];

/** Read the policy object (only with AUTOSCALER_POLICY_URL without a pre-authenticated request). */
export const POLICY_OBJECT_GRANT: IamGrant = { verb: 'read', resource: 'objects', operations: ['GetObject'], why: 'the policy file at AUTOSCALER_POLICY_URL' };

/** Every operation the function may call (with a signed policy URL). */
export function functionOperations(withPolicyObject: boolean): string[] {
  return [...FUNCTION_GRANTS, ...(withPolicyObject ? [POLICY_OBJECT_GRANT] : [])].flatMap((g) => g.operations);
}

function statement(dynamicGroup: string, compartmentId: string, g: IamGrant, extra?: string): string {
  const ops = g.operations.map((o) => `request.operation = '${o}'`);
  const conditions = [...(ops.length === 1 ? ops : [`any {${ops.join(', ')}}`]), ...(g.condition ? [g.condition] : []), ...(extra ? [extra] : [])];
  const where = conditions.length === 1 ? conditions[0]! : `all {${conditions.join(', ')}}`;
  return `Allow dynamic-group ${dynamicGroup} to ${g.verb} ${g.resource} in compartment id ${compartmentId} where ${where}`;
}

/** The statements for the function's dynamic group, narrowed as described above. */
export function functionPolicyStatements(dynamicGroup: string, compartmentId: string, options: { bucket?: string } = {}): string[] {
  requireOcid('compartment', compartmentId, 'compartmentId');
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(dynamicGroup)) throw new Error(`dynamic group name "${dynamicGroup.slice(0, 40)}" is not a valid name`);
  const out = FUNCTION_GRANTS.map((g) => statement(dynamicGroup, compartmentId, g));
  if (options.bucket !== undefined) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(options.bucket)) throw new Error(`bucket name "${options.bucket.slice(0, 40)}" is not a valid name`);
    out.push(statement(dynamicGroup, compartmentId, POLICY_OBJECT_GRANT, `target.bucket.name = '${options.bucket}'`));
  }
  return out;
}

/** The dynamic group rule matching exactly one function. */
export function functionDynamicGroupRule(functionId: string): string {
  return `ALL {resource.type = 'fnfunc', resource.id = '${requireOcid('fnfunc', functionId, 'functionId')}'}`;
}
