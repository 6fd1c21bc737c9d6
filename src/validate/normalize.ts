// Builds the model (src/model/types.ts) from documents that passed validation: defaults filled
// in, durations in milliseconds, versions ordered, every element with its source location
// (computed when first read: see lazy-location.ts).

import { toPointer } from '../loader/json-pointer.js';
import { lazyLocation } from '../loader/lazy-location.js';
import type { SourceIndex } from '../loader/source-index.js';
import type {
  AcceptedBreak,
  Catalog,
  CompatibilityMode,
  JsonSchema,
  Message,
  MessageKind,
  RetryPolicy,
  Saga,
  SagaStep,
  SourceLocation,
  Subscription,
  Choreography,
  Reaction,
} from '../model/types.js';
import { impliedSubscriptions } from '../model/choreography.js';
import { asRecord, entries, list, str } from './data.js';
import { DEFAULT_BACKOFF, DEFAULT_COMPATIBILITY, DEFAULT_MAX_ATTEMPTS, DEFAULT_STEP_TIMEOUT_MS } from './defaults.js';
import { parseDuration } from './durations.js';

export function normalizeCatalog(file: string, doc: unknown, index: SourceIndex): Catalog {
  const loc = (segments: (string | number)[]): SourceLocation =>
    lazyLocation(() => index.locate(file, toPointer(segments)) ?? { file, line: 1, col: 1 });
  const root = asRecord(doc) ?? {};
  const info = asRecord(root['catalog']) ?? {};
  const description = str(info['description']);
  const definitions: Record<string, JsonSchema> = {};
  for (const [name, schema] of entries(root['definitions'])) definitions[name] = schema as JsonSchema;

  const messages: Message[] = entries(root['messages']).map(([name, raw]) => {
    const m = asRecord(raw) ?? {};
    const d = asRecord(m['deprecated']);
    const mDescription = str(m['description']);
    const versions = entries(m['versions'])
      .map(([k, v]) => {
        const ver = asRecord(v) ?? {};
        const vDescription = str(ver['description']);
        const pointer = toPointer(['messages', name, 'versions', k, 'payload']);
        return {
          version: Number(k),
          ...(vDescription !== undefined ? { description: vDescription } : {}),
          payload: ver['payload'] as JsonSchema,
          loc: lazyLocation(() => index.locate(file, pointer) ?? loc(['messages', name])),
          pointer,
        };
      })
      .sort((a, b) => a.version - b.version);
    const acceptedBreaks: AcceptedBreak[] = list(m['acceptedBreaks']).map((b, i) => {
      const r = asRecord(b) ?? {};
      return { version: Number(r['version']), rule: String(r['rule']), reason: String(r['reason']), loc: loc(['messages', name, 'acceptedBreaks', i]) };
    });
    return {
      name,
      kind: m['kind'] as MessageKind,
      service: String(m['service']),
      topic: String(m['topic']),
      key: String(m['key']),
      ...(mDescription !== undefined ? { description: mDescription } : {}),
      compatibility: (str(m['compatibility']) ?? DEFAULT_COMPATIBILITY) as CompatibilityMode,
      ...(d ? { deprecated: { reason: String(d['reason']), ...(typeof d['since'] === 'number' ? { since: d['since'] } : {}) } } : {}),
      versions,
      acceptedBreaks,
      loc: loc(['messages', name]),
    };
  });

  const subscriptions = entries(root['subscriptions']).flatMap(([service, names]) =>
    list(names).map((message, i) => ({ service, message: String(message), loc: loc(['subscriptions', service, i]) })),
  );

  return {
    file,
    name: String(info['name']),
    namespace: String(info['namespace']),
    ...(description !== undefined ? { description } : {}),
    services: entries(root['services']).map(([name, raw]) => {
      const s = asRecord(raw) ?? {};
      const sDescription = str(s['description']);
      const owner = str(s['owner']);
      return {
        name,
        ...(sDescription !== undefined ? { description: sDescription } : {}),
        ...(owner !== undefined ? { owner } : {}),
        loc: loc(['services', name]),
      };
    }),
    definitions,
    messages,
    subscriptions,
  };
}

export function normalizeSaga(file: string, doc: unknown, index: SourceIndex): Saga {
  const loc = (segments: (string | number)[]): SourceLocation =>
    lazyLocation(() => index.locate(file, toPointer(segments)) ?? { file, line: 1, col: 1 });
  const saga = asRecord(asRecord(doc)?.['saga']) ?? {};
  const description = str(saga['description']);
  const steps: SagaStep[] = list(saga['steps']).map((raw, i) => {
    const s = asRecord(raw) ?? {};
    const comp = asRecord(s['compensation']);
    return {
      name: String(s['name']),
      participant: String(s['participant']),
      command: String(s['command']),
      onSuccess: String(s['onSuccess']),
      onFailure: list(s['onFailure']).map(String),
      ...(comp ? { compensation: { command: String(comp['command']), reply: String(comp['reply']) } } : {}),
      timeoutMs: s['timeout'] === undefined ? DEFAULT_STEP_TIMEOUT_MS : (parseDuration(s['timeout']) ?? DEFAULT_STEP_TIMEOUT_MS),
      retry: retryPolicy(s['retry']),
      loc: loc(['saga', 'steps', i]),
    };
  });
  return {
    file,
    name: String(saga['name']),
    ...(description !== undefined ? { description } : {}),
    orchestrator: String(saga['orchestrator']),
    startedBy: String(saga['startedBy']),
    correlationKey: String(saga['correlationKey']),
    steps,
    onCompleted: list(saga['onCompleted']).map(String),
    onCompensated: list(saga['onCompensated']).map(String),
    loc: loc(['saga']),
  };
}

function retryPolicy(raw: unknown): RetryPolicy {
  const r = asRecord(raw) ?? {};
  const b = asRecord(r['backoff']) ?? {};
  const maxAttempts = typeof r['maxAttempts'] === 'number' ? r['maxAttempts'] : DEFAULT_MAX_ATTEMPTS;
  return {
    maxAttempts,
    backoff: {
      initialMs: b['initial'] === undefined ? DEFAULT_BACKOFF.initialMs : (parseDuration(b['initial']) ?? DEFAULT_BACKOFF.initialMs),
      multiplier: typeof b['multiplier'] === 'number' ? b['multiplier'] : DEFAULT_BACKOFF.multiplier,
      maxMs: b['max'] === undefined ? DEFAULT_BACKOFF.maxMs : (parseDuration(b['max']) ?? DEFAULT_BACKOFF.maxMs),
    },
  };
}

/** A `choreography:` document that passed validation; `origin` is the owner of its starting event. */
export function normalizeChoreography(file: string, doc: unknown, index: SourceIndex, catalog: Catalog): Choreography {
  const loc = (segments: (string | number)[]): SourceLocation =>
    lazyLocation(() => index.locate(file, toPointer(segments)) ?? { file, line: 1, col: 1 });
  const c = asRecord(asRecord(doc)?.['choreography']) ?? {};
  const description = str(c['description']);
  const reactions: Reaction[] = list(c['reactions']).map((raw, i) => {
    const r = asRecord(raw) ?? {};
    const onSuccess = str(r['onSuccess']);
    const compensation = str(r['compensation']);
    return {
      name: String(r['name']),
      service: String(r['service']),
      on: oneOrMany(r['on']),
      ...(onSuccess !== undefined ? { onSuccess } : {}),
      onFailure: list(r['onFailure']).map(String),
      ...(compensation !== undefined ? { compensation } : {}),
      loc: loc(['choreography', 'reactions', i]),
    };
  });
  const startedBy = String(c['startedBy']);
  return {
    file,
    name: String(c['name']),
    ...(description !== undefined ? { description } : {}),
    startedBy,
    origin: catalog.messages.find((m) => m.name === startedBy)?.service ?? '',
    correlationKey: String(c['correlationKey']),
    reactions,
    onCompleted: list(c['onCompleted']).map(String),
    onCompensated: list(c['onCompensated']).map(String),
    loc: loc(['choreography']),
  };
}

/** `on: E` and `on: [E, F]` alike. */
export function oneOrMany(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
}

/** The catalog with the subscriptions the choreographies imply added (each pair once, catalog ones first). */
export function withImpliedSubscriptions(catalog: Catalog, choreographies: readonly Choreography[]): Catalog {
  const subscriptions: Subscription[] = [...catalog.subscriptions];
  const seen = new Set(subscriptions.map((s) => `${s.service}\u0000${s.message}`));
  for (const c of choreographies) {
    for (const s of impliedSubscriptions(c)) {
      const key = `${s.service}\u0000${s.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      subscriptions.push({ ...s, loc: c.loc });
    }
  }
  return { ...catalog, subscriptions };
}
