import type { Clock } from '@autoscaler/core';
import { ApiError, iso, newEtag, objectBody, paginate, requireQuery, requireString, route, tagsOf, withEtag } from './fake-http';
import type { ApiRequest, ApiResponse, Route } from './fake-http';
import type { OcidFactory } from './ocid-factory';
import { textOf } from '@autoscaler/core';

/**
 * Notifications (20181201): topics, subscriptions and PublishMessage, with the
 * SDK's JSON casing (`NotificationTopic`, `Subscription`, `MessageDetails`,
 * `PublishResult`). Delivery is at least once, like the real service:
 * `duplicateDeliveries` sends each message that many extra times. A Function
 * subscription receives the bare message body and the `x-oci-ns-messageid`
 * header (Oracle's oci-ons-compute-shape-increase-python sample).
 */
export type FunctionInvoker = (body: string, headers: Record<string, string>) => Promise<unknown>;

export interface Delivery {
  subscriptionId: string;
  protocol: string;
  endpoint: string;
  messageId: string;
  title?: string;
  body: string;
  result?: unknown;
  error?: string;
}

const PROTOCOLS = new Set(['CUSTOM_HTTPS', 'EMAIL', 'HTTPS', 'ORACLE_FUNCTIONS', 'PAGERDUTY', 'SLACK', 'SMS']);

export class FakeNotifications {
  private readonly topics = new Map<string, Record<string, unknown>>();
  private readonly subscriptions = new Map<string, Record<string, unknown>>();
  private readonly invokers = new Map<string, FunctionInvoker>();
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  readonly published: Array<{ topicId: string; messageId: string; title?: string; body: string }> = [];
  readonly deliveries: Delivery[] = [];
  /** Extra copies of every delivery (at-least-once). */
  duplicateDeliveries = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ocids: OcidFactory,
    private readonly options: { pageSize: number },
  ) {}

  routes(): Route[] {
    return [
      route('POST', '/20181201/topics', 'CreateTopic', (r) => this.createTopic(r)),
      route('GET', '/20181201/topics', 'ListTopics', (r) => this.listInCompartment(r, this.liveTopics(), 'name')),
      route('GET', '/20181201/topics/{id}', 'GetTopic', (r) => ({
        status: 200,
        body: this.topic(r.params['id']),
        headers: { etag: String(this.topic(r.params['id'])['etag']) },
      })),
      route('DELETE', '/20181201/topics/{id}', 'DeleteTopic', (r) => this.deleteTopic(r)),
      route('POST', '/20181201/topics/{id}/messages', 'PublishMessage', (r) => this.publishRoute(r)),
      route('POST', '/20181201/subscriptions', 'CreateSubscription', (r) => this.createSubscription(r)),
      route('GET', '/20181201/subscriptions', 'ListSubscriptions', (r) => this.listInCompartment(r, this.liveSubscriptions(), 'topicId')),
      route('GET', '/20181201/subscriptions/{id}', 'GetSubscription', (r) => ({ status: 200, body: this.subscription(r.params['id']) })),
      route('DELETE', '/20181201/subscriptions/{id}', 'DeleteSubscription', (r) => this.deleteSubscription(r)),
    ];
  }

  /** What a function subscription runs when a message arrives. */
  onFunction(functionId: string, invoker: FunctionInvoker): void {
    this.invokers.set(functionId, invoker);
  }

  seedTopic(name: string, compartmentId = this.ocids.compartment): string {
    return String(this.storeTopic({ name, compartmentId })['topicId']);
  }

  liveTopics(): Array<Record<string, unknown>> {
    return [...this.topics.values()].filter((t) => t['lifecycleState'] === 'ACTIVE').map((t) => structuredClone(t));
  }

  liveSubscriptions(): Array<Record<string, unknown>> {
    return [...this.subscriptions.values()].filter((s) => s['lifecycleState'] !== 'DELETED').map((s) => structuredClone(s));
  }

  /** Wait for every delivery started so far. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Publish as the service itself does (alarm notifications); resolves when delivered. */
  async publishInternal(topicId: string, message: { title?: string; body: string }): Promise<string> {
    const messageId = this.publish(topicId, message);
    await this.settled();
    return messageId;
  }

  private topic(id: string | undefined): Record<string, unknown> {
    const t = id === undefined ? undefined : this.topics.get(id);
    if (!t || t['lifecycleState'] !== 'ACTIVE') throw new ApiError(404, 'NotAuthorizedOrNotFound', `topic ${id ?? ''} not found`);
    return t;
  }

  private subscription(id: string | undefined): Record<string, unknown> {
    const s = id === undefined ? undefined : this.subscriptions.get(id);
    if (!s || s['lifecycleState'] === 'DELETED') throw new ApiError(404, 'NotAuthorizedOrNotFound', `subscription ${id ?? ''} not found`);
    return s;
  }

  private storeTopic(details: Record<string, unknown>): Record<string, unknown> {
    const topicId = this.ocids.next('onstopic');
    const topic: Record<string, unknown> = {
      name: details['name'],
      topicId,
      shortTopicId: topicId.slice(-10),
      compartmentId: details['compartmentId'],
      lifecycleState: 'ACTIVE',
      ...(details['description'] !== undefined ? { description: details['description'] } : {}),
      timeCreated: iso(this.clock.now()),
      etag: newEtag(),
      freeformTags: details['freeformTags'] ?? {},
      definedTags: details['definedTags'] ?? {},
      apiEndpoint: `https://cell1.notification.${this.ocids.region}.oci.oraclecloud.com`,
    };
    this.topics.set(topicId, topic);
    return topic;
  }

  private createTopic(r: ApiRequest): ApiResponse {
    const body = objectBody(r);
    const name = requireString(body, 'name');
    requireString(body, 'compartmentId');
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(name)) throw new ApiError(400, 'InvalidParameter', 'name may contain only letters, digits, hyphens and underscores');
    tagsOf(body['freeformTags'], 'freeformTags');
    // Topic names are unique in the tenancy.
    if ([...this.topics.values()].some((t) => t['name'] === name && t['lifecycleState'] === 'ACTIVE'))
      throw new ApiError(409, 'Conflict', `a topic named ${name} already exists`);
    const t = this.storeTopic(body);
    return withEtag(t, String(t['etag']));
  }

  private deleteTopic(r: ApiRequest): ApiResponse {
    const t = this.topic(r.params['id']);
    t['lifecycleState'] = 'DELETING';
    for (const s of this.subscriptions.values()) if (s['topicId'] === t['topicId']) s['lifecycleState'] = 'DELETED';
    return { status: 202 };
  }

  private createSubscription(r: ApiRequest): ApiResponse {
    const body = objectBody(r);
    const topicId = requireString(body, 'topicId');
    const compartmentId = requireString(body, 'compartmentId');
    const protocol = requireString(body, 'protocol');
    const endpoint = requireString(body, 'endpoint');
    if (!PROTOCOLS.has(protocol)) throw new ApiError(400, 'InvalidParameter', `protocol must be one of ${[...PROTOCOLS].join(', ')}`);
    this.topic(topicId);
    const id = this.ocids.next('onssubscription');
    const sub: Record<string, unknown> = {
      id,
      topicId,
      protocol,
      endpoint,
      // Function and streaming subscriptions need no confirmation.
      lifecycleState: protocol === 'ORACLE_FUNCTIONS' ? 'ACTIVE' : 'PENDING',
      compartmentId,
      createdTime: this.clock.now(),
      etag: newEtag(),
      freeformTags: tagsOf(body['freeformTags'], 'freeformTags') ?? {},
      definedTags: body['definedTags'] ?? {},
    };
    this.subscriptions.set(id, sub);
    return withEtag(sub, String(sub['etag']));
  }

  /** ListTopics / ListSubscriptions: the live items of the required compartment, narrowed by an optional exact-match query parameter. */
  private listInCompartment(r: ApiRequest, items: Array<Record<string, unknown>>, filter: 'name' | 'topicId'): ApiResponse {
    const compartmentId = requireQuery(r, 'compartmentId');
    const wanted = r.query.get(filter);
    const matching = items.filter((x) => x['compartmentId'] === compartmentId && (wanted === null || x[filter] === wanted));
    return paginate(matching, r, this.options.pageSize);
  }

  private deleteSubscription(r: ApiRequest): ApiResponse {
    const s = this.subscription(r.params['id']);
    s['lifecycleState'] = 'DELETED';
    return { status: 204 };
  }

  private publishRoute(r: ApiRequest): ApiResponse {
    const body = objectBody(r);
    const text = requireString(body, 'body');
    const title = body['title'] === undefined ? undefined : textOf(body['title']);
    if (Buffer.byteLength(text) > 64 * 1024) throw new ApiError(400, 'InvalidParameter', 'message body exceeds 64 KB');
    const messageId = this.publish(r.params['id']!, { ...(title !== undefined ? { title } : {}), body: text });
    return { status: 200, body: { messageId, timeStamp: iso(this.clock.now()) } };
  }

  private publish(topicId: string, message: { title?: string; body: string }): string {
    this.topic(topicId);
    const messageId = `ons-msg-${++this.seq}`;
    this.published.push({ topicId, messageId, ...message });
    for (const sub of this.subscriptions.values()) {
      if (sub['topicId'] !== topicId || sub['lifecycleState'] !== 'ACTIVE') continue;
      for (let copy = 0; copy <= this.duplicateDeliveries; copy++) this.deliver(sub, messageId, message);
    }
    return messageId;
  }

  private deliver(sub: Record<string, unknown>, messageId: string, message: { title?: string; body: string }): void {
    const delivery: Delivery = {
      subscriptionId: String(sub['id']),
      protocol: String(sub['protocol']),
      endpoint: String(sub['endpoint']),
      messageId,
      ...message,
    };
    this.deliveries.push(delivery);
    const invoker = sub['protocol'] === 'ORACLE_FUNCTIONS' ? this.invokers.get(String(sub['endpoint'])) : undefined;
    if (!invoker) return;
    const p = invoker(message.body, { 'x-oci-ns-messageid': messageId }).then(
      (result) => {
        delivery.result = result;
      },
      (e: unknown) => {
        delivery.error = e instanceof Error ? e.message : String(e);
      },
    );
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
