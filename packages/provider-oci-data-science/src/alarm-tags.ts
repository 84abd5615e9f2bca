/** Freeform tags on the alarms we create: which deployment, which rule, which policy. */
export const ALARM_TARGET_TAG = 'autoscaler-target';
export const ALARM_RULE_TAG = 'autoscaler-rule';
export const ALARM_POLICY_TAG = 'autoscaler-policy';
