/** What the light registry line of oci needs from the provider package, imported only when used. */
export { exportNativePolicy, onsNotificationKind, requireOcid } from '@autoscaler/provider-oci-data-science';
