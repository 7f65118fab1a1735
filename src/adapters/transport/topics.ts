/**
 * MQTT topics: `<prefix>/<site>/<sensor>/window` (QoS 1), `<prefix>/<site>/<sensor>/status`
 * (retained, also the last will) and `<prefix>/<site>/<sensor>/ack` (the hub's word that a window
 * is stored); `<prefix>/<site>/hub` is the hub's retained status. Site and sensor ids are
 * percent-encoded, so an id holding `/`, `+` or `#` can neither break the topic tree nor match
 * someone else's wildcard, and the hub's three-level topic matches no sensor filter.
 */
export const DEFAULT_TOPIC_PREFIX = 'airtrace';

export type TopicKind = 'window' | 'status' | 'ack';

export interface TopicScope {
  /** Default 'airtrace'. */
  prefix?: string;
  site: string;
}

function segment(id: string): string {
  if (id === '') throw new RangeError('a topic segment cannot be empty');
  return encodeURIComponent(id);
}

function prefixOf(scope: TopicScope): string {
  const prefix = scope.prefix ?? DEFAULT_TOPIC_PREFIX;
  if (prefix === '' || /[+#\0]/.test(prefix))
    throw new RangeError(`topic prefix ${JSON.stringify(prefix)} is not usable`);
  return prefix;
}

export function sensorTopic(scope: TopicScope, sensorId: string, kind: TopicKind): string {
  return `${prefixOf(scope)}/${segment(scope.site)}/${segment(sensorId)}/${kind}`;
}

/** The hub's retained status: sensors send again what it has not acknowledged when it comes back. */
export function hubStatusTopic(scope: TopicScope): string {
  return `${prefixOf(scope)}/${segment(scope.site)}/hub`;
}

/** The subscription that receives `kind` from every sensor of the site. */
export function siteFilter(scope: TopicScope, kind: TopicKind): string {
  return `${prefixOf(scope)}/${segment(scope.site)}/+/${kind}`;
}

/** The sensor id and kind of a topic under `scope`, or undefined for any other topic. */
export function parseSensorTopic(
  scope: TopicScope,
  topic: string,
): { sensorId: string; kind: TopicKind } | undefined {
  const head = `${prefixOf(scope)}/${segment(scope.site)}/`;
  if (!topic.startsWith(head)) return undefined;
  const rest = topic.slice(head.length).split('/');
  if (rest.length !== 2 || rest[0] === '') return undefined;
  const kind = rest[1];
  if (kind !== 'window' && kind !== 'status' && kind !== 'ack') return undefined;
  try {
    return { sensorId: decodeURIComponent(rest[0]!), kind };
  } catch {
    return undefined;
  }
}
