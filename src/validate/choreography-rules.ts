// Semantic rules of a choreography against its catalog: every name it uses exists (did-you-mean),
// every message is an event, what a reaction publishes is owned by its service, a compensation
// names a reaction, the correlation key is in every event; then the flow checks of
// choreography-paths.ts (every path compensated and ended), once the references are sound.

import type { Diagnostic } from '../core/diagnostics.js';
import { didYouMean } from '../schema/suggest.js';
import { nameProblem } from '../names/rules.js';
import { asRecord, list, str } from './data.js';
import { correlationKeyDiagnostics } from './correlation-key.js';
import { errorsIn } from './located.js';
import { flowDiagnostics, type FlowReaction } from './choreography-paths.js';
import type { SagaRuleContext } from './saga-rules.js';

export type { Segments } from './located.js';
import type { Segments } from './located.js';

/** A saga file whose top-level section is `choreography:` (not `saga:`). */
export function isChoreographyDocument(doc: unknown): boolean {
  const root = asRecord(doc);
  return root !== undefined && root['choreography'] !== undefined && root['saga'] === undefined;
}

/** `wellFormed`: the file passed the structural checks (the flow checks run only then). */
export function checkChoreography(doc: unknown, ctx: SagaRuleContext, wellFormed = true): Diagnostic[] {
  const out: Diagnostic[] = [];
  const c = asRecord(asRecord(doc)?.['choreography']);
  if (!c) return out;
  const at = errorsIn(ctx, 'choreography');
  const { services, messages } = ctx.catalog;
  const serviceNames = [...services];
  const eventNames = [...messages.values()].filter((m) => m.kind === 'event').map((m) => m.name);
  const name = str(c['name']);
  const label = name ? `choreography "${name}"` : 'the choreography';
  if (name !== undefined) {
    const problem = nameProblem('saga', name);
    if (problem) out.push(at(['name'], 'E_INVALID_NAME', `choreography name "${name}" ${problem}`));
  }

  const used = new Map<string, Segments>();
  const wrongKind = new Set<string>();
  /** Checks one event reference; false when it is unusable (reported). */
  const event = (segments: Segments, role: string, of: string, publisher?: string): boolean => {
    const value = getPath(c, segments);
    const n = str(value);
    if (n === undefined) return false;
    const m = messages.get(n);
    if (!m) {
      out.push(at(segments, 'E_UNKNOWN_MESSAGE', `${role} "${n}"${of} is not a message of the catalog`, didYouMean(n, eventNames).hint ?? didYouMean(n, [...messages.keys()]).hint));
      return false;
    }
    if (!used.has(n)) used.set(n, segments);
    if (m.deprecated !== undefined) out.push({ ...at(segments, 'W_DEPRECATED_MESSAGE', `${role} "${n}"${of} is deprecated`, `deprecated: ${m.deprecated}`), severity: 'warning' });
    if (m.kind !== undefined && m.kind !== 'event') {
      // Named in several places, the message is still one mistake: reported where it is first named.
      if (wrongKind.has(n)) return false;
      wrongKind.add(n);
      out.push(at(segments, 'E_WRONG_KIND', `${role} "${n}"${of} is a ${m.kind}, but a choreography reacts to and publishes events only`, m.kind === 'command' ? 'commands belong to orchestrated sagas (saga:)' : 'replies belong to orchestrated sagas (saga:)'));
      return false;
    }
    if (publisher !== undefined && m.service !== undefined && m.service !== publisher && services.has(publisher) && services.has(m.service)) {
      out.push(at(segments, 'E_WRONG_OWNER', `${role} "${n}"${of} is owned by service "${m.service}", so service "${publisher}" cannot publish it`, `publish an event of "${publisher}", or move the reaction to "${m.service}"`));
      return false;
    }
    return true;
  };

  let sound = true;
  sound = event(['startedBy'], 'event', ' that starts the flow') && sound;

  const reactions: FlowReaction[] = [];
  const reactionNames = new Map<string, number>();
  const rawReactions = list(c['reactions']);
  rawReactions.forEach((raw, i) => {
    const r = asRecord(raw);
    if (!r) return;
    const rName = str(r['name']);
    const rLabel = rName ? `reaction "${rName}"` : `reaction ${i + 1}`;
    if (rName !== undefined) {
      const problem = nameProblem('step', rName);
      if (problem) out.push(at(['reactions', i, 'name'], 'E_INVALID_NAME', `reaction name "${rName}" ${problem}`));
      if (reactionNames.has(rName)) {
        out.push(at(['reactions', i, 'name'], 'E_DUPLICATE_NAME', `${label} has two reactions named "${rName}"`));
        sound = false;
      } else reactionNames.set(rName, i);
    }
    const service = str(r['service']);
    if (service !== undefined && !services.has(service)) {
      out.push(at(['reactions', i, 'service'], 'E_UNKNOWN_SERVICE', `service "${service}" of ${rLabel} is not a service of the catalog`, didYouMean(service, serviceNames).hint));
      sound = false;
    }
    const onSegs: Segments[] = Array.isArray(r['on']) ? r['on'].map((_, j) => ['reactions', i, 'on', j]) : [['reactions', i, 'on']];
    for (const segs of onSegs) sound = event(segs, 'event', ` that ${rLabel} reacts to`) && sound;
    if (r['onSuccess'] !== undefined) sound = event(['reactions', i, 'onSuccess'], 'success event', ` of ${rLabel}`, service) && sound;
    list(r['onFailure']).forEach((_, j) => {
      sound = event(['reactions', i, 'onFailure', j], 'failure event', ` of ${rLabel}`, service) && sound;
    });
    reactions.push({
      index: i,
      name: rName ?? `#${i + 1}`,
      service: service ?? '',
      on: onSegs.map((segs) => ({ event: String(getPath(c, segs)), segments: segs })),
      outcomes: [
        ...(r['onSuccess'] !== undefined ? [{ event: String(r['onSuccess']), failure: false, segments: ['reactions', i, 'onSuccess'] as Segments }] : []),
        ...list(r['onFailure']).map((e, j) => ({ event: String(e), failure: true, segments: ['reactions', i, 'onFailure', j] as Segments })),
      ],
      ...(str(r['compensation']) !== undefined ? { compensation: str(r['compensation'])! } : {}),
    });
  });
  reactions.forEach((r) => {
    if (r.compensation === undefined || reactionNames.has(r.compensation)) return;
    out.push(at(['reactions', r.index, 'compensation'], 'E_UNKNOWN_REACTION', `compensation "${r.compensation}" of reaction "${r.name}" is not a reaction of ${label}`, didYouMean(r.compensation, [...reactionNames.keys()]).hint));
    sound = false;
  });

  const origin = messages.get(str(c['startedBy']) ?? '')?.service;
  const terminals: { event: string; completed: boolean; segments: Segments }[] = [];
  for (const field of ['onCompleted', 'onCompensated'] as const) {
    list(c[field]).forEach((e, i) => {
      sound = event([field, i], 'terminal event', ` in "${field}" of ${label}`) && sound;
      terminals.push({ event: String(e), completed: field === 'onCompleted', segments: [field, i] });
    });
  }

  const key = str(c['correlationKey']);
  if (key !== undefined) out.push(...correlationKeyDiagnostics(key, used, label, ctx, at));

  // The flow checks reason about the graph; with a broken reference they would only repeat it.
  if (wellFormed && sound && out.every((d) => d.severity !== 'error')) {
    out.push(...flowDiagnostics({ startedBy: String(c['startedBy']), origin: origin ?? '', reactions, terminals }, at));
  }
  return out;
}

function getPath(root: unknown, segments: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const s of segments) {
    if (Array.isArray(cur) && typeof s === 'number') cur = cur[s];
    else if (asRecord(cur) && typeof s === 'string' && Object.prototype.hasOwnProperty.call(cur, s)) cur = (cur as Record<string, unknown>)[s];
    else return undefined;
  }
  return cur;
}
