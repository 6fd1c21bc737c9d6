// Semantic rules of a saga against its catalog: every message named exists and has the right kind,
// each step's messages belong to its participant, completion events belong to the orchestrator,
// the correlation key is in every payload, and timeouts/retries make sense.

import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceIndex } from '../loader/source-index.js';
import type { RefResolver } from '../schema/refs.js';
import { didYouMean } from '../schema/suggest.js';
import type { CatalogFacts, MessageFacts } from './catalog-rules.js';
import { asRecord, list, str } from './data.js';
import { parseDuration, MAX_DURATION_MS } from './durations.js';
import { DEFAULT_BACKOFF } from './defaults.js';
import { nameProblem } from '../names/rules.js';
import { correlationKeyDiagnostics } from './correlation-key.js';
import { errorsIn } from './located.js';

type Kind = 'event' | 'command' | 'reply';

export interface SagaRuleContext {
  readonly file: string;
  readonly index: SourceIndex;
  readonly catalog: CatalogFacts;
  readonly resolver: RefResolver;
}

export function checkSaga(doc: unknown, ctx: SagaRuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const saga = asRecord(asRecord(doc)?.['saga']);
  if (!saga) return out;
  const at = errorsIn(ctx, 'saga');
  const { services, messages } = ctx.catalog;
  const serviceNames = [...services];
  const messageNames = [...messages.keys()];
  const sagaName = str(saga['name']);
  const sagaLabel = sagaName ? `saga "${sagaName}"` : 'the saga';

  if (sagaName !== undefined) {
    const problem = nameProblem('saga', sagaName);
    if (problem) out.push(at(['name'], 'E_INVALID_NAME', `saga name "${sagaName}" ${problem}`));
  }

  const orchestrator = str(saga['orchestrator']);
  if (orchestrator !== undefined && !services.has(orchestrator)) {
    out.push(at(['orchestrator'], 'E_UNKNOWN_SERVICE', `orchestrator "${orchestrator}" of ${sagaLabel} is not a service of the catalog`, didYouMean(orchestrator, serviceNames).hint));
  }

  /** Every message the saga names, with where it is named (for the correlation-key rule). */
  const used = new Map<string, (string | number)[]>();

  /** Looks a message up and checks its kind and owner; reports and returns undefined when it is unusable. */
  const message = (segments: (string | number)[], role: string, of: string, kinds: readonly Kind[], owner?: { service: string; label: string }): MessageFacts | undefined => {
    const name = str(getPath(saga, segments));
    if (name === undefined) return undefined;
    const m = messages.get(name);
    if (!m) {
      const sameKind = messageNames.filter((n) => kinds.includes(messages.get(n)?.kind as Kind));
      out.push(at(segments, 'E_UNKNOWN_MESSAGE', `${role} "${name}"${of} is not a message of the catalog`, didYouMean(name, sameKind).hint ?? didYouMean(name, messageNames).hint));
      return undefined;
    }
    if (!used.has(name)) used.set(name, segments);
    if (m.deprecated !== undefined) {
      out.push({ ...at(segments, 'W_DEPRECATED_MESSAGE', `${role} "${name}"${of} is deprecated`, `deprecated: ${m.deprecated}`), severity: 'warning' });
    }
    if (m.kind !== undefined && !kinds.includes(m.kind as Kind)) {
      out.push(at(segments, 'E_WRONG_KIND', `${role} "${name}"${of} is ${article(m.kind)}, but must be ${kinds.map(article).join(' or ')}`));
      return m;
    }
    if (owner && m.service !== undefined && m.service !== owner.service && services.has(owner.service) && services.has(m.service)) {
      const verb = m.kind === 'command' ? 'is handled by' : 'is produced by';
      out.push(
        at(segments, owner.label === 'orchestrator' ? 'E_WRONG_OWNER' : 'E_PARTICIPANT_MISMATCH',
          `${role} "${name}"${of} ${verb} service "${m.service}", not by the ${owner.label} "${owner.service}"`),
      );
    }
    return m;
  };

  message(['startedBy'], 'message', ` that starts ${sagaLabel}`, ['event', 'command']);

  const stepNames = new Map<string, number>();
  /** Which step listens for which reply: a reply routed to two steps would be ambiguous. */
  const replyOwners = new Map<string, string>();
  list(saga['steps']).forEach((rawStep, i) => {
    const step = asRecord(rawStep);
    if (!step) return;
    const stepName = str(step['name']);
    const label = stepName ? `step "${stepName}"` : `step ${i + 1}`;
    if (stepName !== undefined) {
      const problem = nameProblem('step', stepName);
      if (problem) out.push(at(['steps', i, 'name'], 'E_INVALID_NAME', `step name "${stepName}" ${problem}`));
      if (stepNames.has(stepName)) out.push(at(['steps', i, 'name'], 'E_DUPLICATE_NAME', `${sagaLabel} has two steps named "${stepName}"`));
      else stepNames.set(stepName, i);
    }
    const participant = str(step['participant']);
    if (participant !== undefined && !services.has(participant)) {
      out.push(at(['steps', i, 'participant'], 'E_UNKNOWN_SERVICE', `participant "${participant}" of ${label} is not a service of the catalog`, didYouMean(participant, serviceNames).hint));
    }
    const owner = participant !== undefined ? { service: participant, label: 'participant' } : undefined;
    message(['steps', i, 'command'], 'command', ` of ${label}`, ['command'], owner);
    const replies: (string | number)[][] = [['steps', i, 'onSuccess'], ...list(step['onFailure']).map((_, j) => ['steps', i, 'onFailure', j])];
    const comp = asRecord(step['compensation']);
    if (comp) {
      message(['steps', i, 'compensation', 'command'], 'compensation command', ` of ${label}`, ['command'], owner);
      replies.push(['steps', i, 'compensation', 'reply']);
    }
    for (const segs of replies) {
      const role = segs[2] === 'onSuccess' ? 'success reply' : segs[2] === 'onFailure' ? 'failure reply' : 'compensation reply';
      const m = message(segs, role, ` of ${label}`, ['event', 'reply'], owner);
      if (!m) continue;
      const previous = replyOwners.get(m.name);
      const me = `${label} (${role})`;
      if (previous !== undefined && previous !== me) {
        out.push(at(segs, 'E_AMBIGUOUS_REPLY', `"${m.name}" is awaited by ${previous} and by ${me}: the orchestrator could not tell which one it answers`));
      } else replyOwners.set(m.name, me);
    }

    const timeout = step['timeout'];
    if (timeout !== undefined) {
      const ms = parseDuration(timeout);
      if (ms !== undefined && (ms === 0 || ms > MAX_DURATION_MS)) {
        out.push(at(['steps', i, 'timeout'], 'E_INVALID_DURATION', `timeout of ${label} must be more than 0 and at most 24h`));
      }
    }
    const backoff = asRecord(asRecord(step['retry'])?.['backoff']);
    if (backoff) {
      const initial = backoff['initial'] === undefined ? DEFAULT_BACKOFF.initialMs : parseDuration(backoff['initial']);
      const max = backoff['max'] === undefined ? DEFAULT_BACKOFF.maxMs : parseDuration(backoff['max']);
      for (const k of ['initial', 'max'] as const) {
        const ms = parseDuration(backoff[k]);
        if (ms !== undefined && ms > MAX_DURATION_MS) out.push(at(['steps', i, 'retry', 'backoff', k], 'E_INVALID_DURATION', `backoff ${k} of ${label} must be at most 24h`));
      }
      if (initial !== undefined && max !== undefined && max < initial) {
        out.push(at(['steps', i, 'retry', 'backoff', backoff['max'] === undefined ? 'initial' : 'max'], 'E_INVALID_VALUE', `backoff of ${label}: max (${max}ms) is smaller than initial (${initial}ms)`));
      }
    }
  });

  const orchestratorOwner = orchestrator !== undefined ? { service: orchestrator, label: 'orchestrator' } : undefined;
  for (const field of ['onCompleted', 'onCompensated'] as const) {
    list(saga[field]).forEach((_, i) => {
      message([field, i], 'event', ` in "${field}" of ${sagaLabel}`, ['event'], orchestratorOwner);
    });
  }

  const key = str(saga['correlationKey']);
  if (key !== undefined) out.push(...correlationKeyDiagnostics(key, used, sagaLabel, ctx, at));
  return out;
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
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
