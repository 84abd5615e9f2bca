import { ValidationError, type Issue } from '@autoscaler/core';
import { ocidProblem } from '@autoscaler/provider-oci-data-science';

/**
 * The function's configuration, from Functions config variables (they arrive
 * as environment variables and in `ctx.config`). Every AUTOSCALER_ and OCI_
 * key we know is checked; an unknown AUTOSCALER_ key is a typo and an error.
 */
export interface FunctionConfig {
  /** Inline policy (YAML or JSON). */
  policy?: string;
  /** Object Storage URL of the policy (signed GET), or a pre-authenticated request URL. */
  policyUrl?: string;
  /** Where the managed alarms live; alarm management is off without it. */
  compartmentId?: string;
  /** The topic the alarms notify (this function is subscribed to it). */
  topicId?: string;
  manageAlarms: boolean;
  /** Webhooks may point at loopback/private/link-local hosts (off by default; the operator's choice). */
  allowPrivateWebhooks: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  auth: 'resource_principal' | 'config_file';
  configFile?: string;
  configProfile?: string;
  region?: string;
  /** One base URL for every OCI service (the local sandbox). */
  endpoint?: string;
}

const KNOWN = new Set([
  'AUTOSCALER_POLICY',
  'AUTOSCALER_POLICY_URL',
  'AUTOSCALER_COMPARTMENT_ID',
  'AUTOSCALER_TOPIC_ID',
  'AUTOSCALER_MANAGE_ALARMS',
  'AUTOSCALER_LOG_LEVEL',
  'AUTOSCALER_ALLOW_PRIVATE_WEBHOOKS',
]);

const REGION = /^[a-z]{2,}-[a-z]+-[0-9]{1,2}$/;

/** `/p/<token>/` of a pre-authenticated request: a secret, never logged. */
export function redactPolicyUrl(url: string): string {
  // A PAR path starts with /p/<token>; anything unparseable is shown only up to its host.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#]*)?\/p\/[^/?#]*/i, '$1/p/(redacted)').replace(/[?#].*$/, '');
}

/**
 * The policy URL is pinned to the region's Object Storage host
 * (`https://objectstorage.<region>.oraclecloud.com/n/<ns>/b/<bucket>/o/<object>`, or its
 * `/p/<token>/...` pre-authenticated form): the function signs a GET with its resource
 * principal, so any other host would receive a signed request. With `OCI_ENDPOINT` on
 * loopback (the local sandbox) the sandbox's own URL is accepted instead.
 */
export function policyUrlProblem(url: string, region: string | undefined, endpoint: string | undefined): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'is not a URL';
  }
  const path = /^(\/p\/[^/]+)?\/n\/[^/]+\/b\/[^/]+\/o\/.+$/;
  const shown = redactPolicyUrl(url).slice(0, 160);
  if (u.username || u.password || u.search || u.hash) return `${shown}: must carry no credentials, query or fragment`;
  if (!path.test(u.pathname)) return `${shown}: the path must be /n/<namespace>/b/<bucket>/o/<object> (or /p/<token>/n/...)`;
  if (endpoint !== undefined && /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/.test(endpoint)) {
    if (u.origin === new URL(endpoint).origin) return undefined;
  }
  if (u.protocol !== 'https:') return `${shown}: must be https`;
  const m = /^objectstorage\.([a-z]{2,}-[a-z]+-[0-9]{1,2})\.oraclecloud\.com$/.exec(u.hostname);
  if (!m || u.port !== '') return `${shown}: the host must be the region's Object Storage host, objectstorage.${region ?? '<region>'}.oraclecloud.com`;
  if (region !== undefined && m[1] !== region)
    return `${shown}: the host is in ${m[1]}, the function runs in ${region} (objectstorage.${region}.oraclecloud.com)`;
  return undefined;
}

function bool(v: string | undefined, key: string, issues: Issue[], fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  issues.push({ path: key, message: `must be true or false, got "${v}"` });
  return fallback;
}

export function loadConfig(vars: Readonly<Record<string, string | undefined>>): FunctionConfig {
  const issues: Issue[] = [];
  const get = (k: string): string | undefined => {
    const v = vars[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  for (const k of Object.keys(vars))
    if (k.startsWith('AUTOSCALER_') && !KNOWN.has(k)) issues.push({ path: k, message: `unknown setting (known: ${[...KNOWN].join(', ')})` });

  const policy = vars['AUTOSCALER_POLICY'] && vars['AUTOSCALER_POLICY'].trim() !== '' ? vars['AUTOSCALER_POLICY'] : undefined;
  const policyUrl = get('AUTOSCALER_POLICY_URL');
  if ((policy === undefined) === (policyUrl === undefined))
    issues.push({
      path: 'AUTOSCALER_POLICY',
      message: 'set exactly one of AUTOSCALER_POLICY (inline YAML/JSON) or AUTOSCALER_POLICY_URL (Object Storage URL)',
    });

  const compartmentId = get('AUTOSCALER_COMPARTMENT_ID');
  if (compartmentId !== undefined) {
    const p = ocidProblem('compartment', compartmentId);
    if (p) issues.push({ path: 'AUTOSCALER_COMPARTMENT_ID', message: p });
  }
  const topicId = get('AUTOSCALER_TOPIC_ID');
  if (topicId !== undefined) {
    const p = ocidProblem('onstopic', topicId);
    if (p) issues.push({ path: 'AUTOSCALER_TOPIC_ID', message: p });
  }
  const manageAlarms = bool(get('AUTOSCALER_MANAGE_ALARMS'), 'AUTOSCALER_MANAGE_ALARMS', issues, compartmentId !== undefined && topicId !== undefined);
  if (manageAlarms && (compartmentId === undefined || topicId === undefined))
    issues.push({ path: 'AUTOSCALER_MANAGE_ALARMS', message: 'needs AUTOSCALER_COMPARTMENT_ID and AUTOSCALER_TOPIC_ID' });

  const allowPrivateWebhooks = bool(get('AUTOSCALER_ALLOW_PRIVATE_WEBHOOKS'), 'AUTOSCALER_ALLOW_PRIVATE_WEBHOOKS', issues, false);
  const logLevel = (get('AUTOSCALER_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) issues.push({ path: 'AUTOSCALER_LOG_LEVEL', message: 'must be debug, info, warn or error' });
  const auth = (get('OCI_AUTH') ?? 'resource_principal').toLowerCase().replace('-', '_');
  if (auth !== 'resource_principal' && auth !== 'config_file')
    issues.push({ path: 'OCI_AUTH', message: 'must be resource_principal (in OCI Functions) or config_file (local sandbox)' });
  const endpoint = get('OCI_ENDPOINT');
  if (endpoint !== undefined && !/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(endpoint))
    issues.push({ path: 'OCI_ENDPOINT', message: 'must be a base URL like http://127.0.0.1:8080' });

  const region = get('OCI_REGION') ?? get('OCI_RESOURCE_PRINCIPAL_REGION');
  if (region !== undefined && !REGION.test(region))
    issues.push({ path: 'OCI_REGION', message: `"${region.slice(0, 40)}" is not a region id like us-ashburn-1` });
  if (policyUrl !== undefined) {
    const problem = policyUrlProblem(policyUrl, region !== undefined && REGION.test(region) ? region : undefined, endpoint);
    if (problem) issues.push({ path: 'AUTOSCALER_POLICY_URL', message: problem });
  }

  if (issues.length > 0) throw new ValidationError('invalid function configuration', issues);
  const config: FunctionConfig = { manageAlarms, allowPrivateWebhooks, logLevel: logLevel as FunctionConfig['logLevel'], auth: auth as FunctionConfig['auth'] };
  if (policy !== undefined) config.policy = policy;
  if (policyUrl !== undefined) config.policyUrl = policyUrl;
  if (compartmentId !== undefined) config.compartmentId = compartmentId;
  if (topicId !== undefined) config.topicId = topicId;
  const configFile = get('OCI_CONFIG_FILE');
  if (configFile !== undefined) config.configFile = configFile;
  const configProfile = get('OCI_CONFIG_PROFILE');
  if (configProfile !== undefined) config.configProfile = configProfile;
  if (region !== undefined) config.region = region;
  if (endpoint !== undefined) config.endpoint = endpoint;
  return config;
}
