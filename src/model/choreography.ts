// A choreographed saga: no orchestrator. Each reaction is one service reacting to events by doing
// its work and publishing exactly one of its outcomes (or nothing: a listener). The flow's state is
// followed by the origin service (the owner of `startedBy`) from the events it sees.
import type { SourceLocation } from './types.js';

export interface Reaction {
  /** camelCase, unique in the choreography. */
  readonly name: string;
  readonly service: string;
  /** Events the service reacts to (at least one). */
  readonly on: readonly string[];
  /** Published when the reaction succeeded; absent for a listener or a pure failure handler. */
  readonly onSuccess?: string;
  /** Published instead of `onSuccess` when the reaction failed. */
  readonly onFailure: readonly string[];
  /** Name of the reaction that undoes this one's effect once it succeeded. */
  readonly compensation?: string;
  readonly loc: SourceLocation;
}

export interface Choreography {
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly startedBy: string;
  /** The service that owns `startedBy`: it hosts the HTTP API and follows every event of the flow. */
  readonly origin: string;
  /** Payload property carrying the flow instance id in every event of the flow. */
  readonly correlationKey: string;
  readonly reactions: readonly Reaction[];
  readonly onCompleted: readonly string[];
  readonly onCompensated: readonly string[];
  readonly loc: SourceLocation;
}

/** Every event of the flow, each once: startedBy, what reactions react to and publish, the terminals. */
export function choreographyEvents(c: Choreography): string[] {
  const names = new Set<string>([c.startedBy]);
  for (const r of c.reactions) {
    for (const e of r.on) names.add(e);
    if (r.onSuccess !== undefined) names.add(r.onSuccess);
    for (const e of r.onFailure) names.add(e);
  }
  for (const e of [...c.onCompleted, ...c.onCompensated]) names.add(e);
  return [...names];
}

/**
 * The subscriptions a choreography implies: each reaction's service consumes its `on` events, and
 * the origin consumes every event of the flow (to build the flow's timeline and status).
 */
export function impliedSubscriptions(c: Choreography): { service: string; message: string }[] {
  const out: { service: string; message: string }[] = [];
  const seen = new Set<string>();
  const add = (service: string, message: string): void => {
    const key = `${service}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ service, message });
  };
  for (const r of c.reactions) for (const e of r.on) add(r.service, e);
  for (const e of choreographyEvents(c)) add(c.origin, e);
  return out;
}
