// Facts about a catalog that several emitters need, derived in one place.
import type { Catalog, Message } from '../model/types.js';

/** CloudEvents `type`: reverse-DNS namespace plus message name. */
export function eventType(catalog: Catalog, message: Message): string {
  return `${catalog.namespace}.${message.name}`;
}

/** CloudEvents `source`: the producing service, as a URI reference. */
export function eventSource(catalog: Catalog, message: Message): string {
  return `/${catalog.namespace}/${message.service}`;
}

export function latestVersion(message: Message): number {
  return message.versions[message.versions.length - 1]?.version ?? 1;
}

/**
 * The messages each service consumes and handles itself: its subscriptions (choreography) and the
 * commands addressed to it. Sagas' replies go to orchestrators, which the project emitter generates.
 * Services in catalog order, messages in catalog order, each once.
 */
export function consumedMessages(catalog: Catalog): Map<string, Message[]> {
  const wanted = new Map<string, Set<string>>();
  const add = (service: string, message: string) => {
    const set = wanted.get(service) ?? new Set<string>();
    set.add(message);
    wanted.set(service, set);
  };
  for (const message of catalog.messages) if (message.kind === 'command') add(message.service, message.name);
  for (const subscription of catalog.subscriptions) add(subscription.service, subscription.message);
  const result = new Map<string, Message[]>();
  const order = [...catalog.services.map((s) => s.name), ...wanted.keys()];
  for (const service of order) {
    const names = wanted.get(service);
    if (names === undefined || result.has(service)) continue;
    result.set(service, catalog.messages.filter((m) => names.has(m.name)));
  }
  return result;
}
