// Runs several copies of the system on one broker without them seeing each other's messages (test
// runs, a second environment): every topic and consumer group gets EDASAGA_TOPIC_PREFIX in front.
import type { SubscribeOptions, Subscription, Transport, TransportMessage } from '../runtime/index.js';

export function withTopicPrefix(inner: Transport, prefix: string): Transport {
  if (prefix === '') return inner;
  const strip = (topic: string): string => (topic.startsWith(prefix) ? topic.slice(prefix.length) : topic);
  return {
    name: inner.name,
    ensureTopics: (topics: readonly string[]) => inner.ensureTopics(topics.map((t) => prefix + t)),
    publish: (messages: readonly TransportMessage[]) => inner.publish(messages.map((m) => ({ ...m, topic: prefix + m.topic }))),
    subscribe: (options: SubscribeOptions): Promise<Subscription> =>
      inner.subscribe({
        group: prefix + options.group,
        topics: options.topics.map((t) => prefix + t),
        handle: (delivery) => options.handle({ ...delivery, message: { ...delivery.message, topic: strip(delivery.message.topic) } }),
      }),
    ...(inner.problem === undefined ? {} : { problem: () => inner.problem?.() }),
    ...(inner.backlog === undefined ? {} : { backlog: (group: string, topic: string) => inner.backlog?.(prefix + group, prefix + topic) ?? Promise.resolve(undefined) }),
    close: () => inner.close(),
  };
}
