import type { TargetRef } from '@autoscaler/core';
import type { models } from 'oci-monitoring';
import { buildAlarmQuery } from './alarm-query';
import { ALARM_RULE_TAG, ALARM_TARGET_TAG } from './alarm-tags';
import { MODEL_DEPLOYMENT_NAMESPACE } from './provider';
import { MANAGED_TAG } from './state-tags';

/**
 * The periodic-evaluation heartbeat. OCI Resource Scheduler can invoke a function, but its
 * documented schedules are hourly at the finest (docs/oci.md says why we do not use it):
 * too coarse for a forecast that plans 5-7 minutes ahead. Instead one Monitoring alarm per
 * deployment fires whenever the deployment publishes CPU metrics (it always does while it
 * serves) and repeats its notification every minute (repeatNotificationDuration PT1M, the
 * shortest Monitoring allows) to the function's topic. Each delivery is verified like any
 * alarm (it must be FIRING in Monitoring and tagged as our heartbeat for that deployment),
 * then runs one periodic evaluation of that deployment.
 */
export const HEARTBEAT_ALARM_NAME = 'autoscaler_heartbeat';
/** `autoscaler-rule` tag value of a heartbeat alarm (no policy rule can have this name: it is ours). */
export const HEARTBEAT_RULE = 'autoscaler:heartbeat';

export function heartbeatQuery(deploymentId: string): string {
  // count() of the per-instance CpuUtilization streams: >= 1 every minute the deployment runs.
  return buildAlarmQuery({ metric: 'CpuUtilization', resourceId: deploymentId, operator: '>', threshold: 0, interval: '1m', statistic: 'count' });
}

export function heartbeatDetails(target: TargetRef, compartmentId: string, metricCompartmentId: string, topicId: string): models.CreateAlarmDetails {
  return {
    displayName: HEARTBEAT_ALARM_NAME,
    compartmentId,
    metricCompartmentId,
    namespace: MODEL_DEPLOYMENT_NAMESPACE,
    query: heartbeatQuery(target.id),
    severity: 'INFO',
    body: 'autoscaler heartbeat: runs one periodic evaluation of this deployment per notification',
    destinations: [topicId],
    isEnabled: true,
    pendingDuration: 'PT1M',
    repeatNotificationDuration: 'PT1M',
    messageFormat: 'RAW' as models.CreateAlarmDetails.MessageFormat,
    freeformTags: { [MANAGED_TAG]: 'true', [ALARM_TARGET_TAG]: target.id, [ALARM_RULE_TAG]: HEARTBEAT_RULE },
  };
}

/** An alarm (as Monitoring returns it) is one of our heartbeats. */
export function isHeartbeat(alarm: Pick<models.Alarm, 'freeformTags'>): boolean {
  return alarm.freeformTags?.[MANAGED_TAG] === 'true' && alarm.freeformTags[ALARM_RULE_TAG] === HEARTBEAT_RULE;
}
