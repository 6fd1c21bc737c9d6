// Human names for places in a catalog or saga document, so messages read
// `"topic" in message "OrderCreated"` instead of `/messages/OrderCreated/topic`.

import { getAtPointer } from '../loader/json-pointer.js';

export type DocumentKind = 'catalog' | 'saga';

/** Names the object at `segments` (a mapping in the document). */
export function describeContext(kind: DocumentKind, segments: readonly string[], root: unknown): string {
  const s = segments;
  if (kind === 'catalog') {
    if (s.length === 0) return 'the catalog file';
    if (s[0] === 'catalog' && s.length === 1) return 'the "catalog" section';
    if (s[0] === 'services' && s.length === 1) return 'the "services" section';
    if (s[0] === 'services' && s.length === 2) return `service "${s[1]}"`;
    if (s[0] === 'definitions' && s.length === 1) return 'the "definitions" section';
    if (s[0] === 'definitions' && s.length >= 2) return `definition "${s[1]}"`;
    if (s[0] === 'subscriptions' && s.length === 1) return 'the "subscriptions" section';
    if (s[0] === 'subscriptions' && s.length >= 2) return `the subscriptions of service "${s[1]}"`;
    if (s[0] === 'messages') {
      if (s.length === 1) return 'the "messages" section';
      const m = `message "${s[1]}"`;
      if (s.length === 2) return m;
      if (s[2] === 'deprecated' && s.length === 3) return `the deprecation of ${m}`;
      if (s[2] === 'versions' && s.length === 3) return `the versions of ${m}`;
      if (s[2] === 'versions' && s.length >= 4) return `version ${s[3]} of ${m}`;
      if (s[2] === 'acceptedBreaks' && s.length === 3) return `the accepted breaks of ${m}`;
      if (s[2] === 'acceptedBreaks' && s.length >= 4) return `accepted break ${Number(s[3]) + 1} of ${m}`;
      return m;
    }
    return `"${s[s.length - 1]}"`;
  }
  if (s.length === 0) return 'the saga file';
  if (s[0] === 'choreography') return describeChoreography(s, root);
  const sagaName = getAtPointer(root, ['saga', 'name']);
  const saga = sagaName.found && typeof sagaName.value === 'string' ? `saga "${sagaName.value}"` : 'the saga';
  if (s.length === 1) return saga;
  if (s[1] === 'steps') {
    if (s.length === 2) return `the steps of ${saga}`;
    const stepName = getAtPointer(root, ['saga', 'steps', s[2]!, 'name']);
    const step = stepName.found && typeof stepName.value === 'string' ? `step "${stepName.value}"` : `step ${Number(s[2]) + 1}`;
    if (s.length === 3) return step;
    if (s[3] === 'compensation') return `the compensation of ${step}`;
    if (s[3] === 'retry' && s.length === 4) return `the retry policy of ${step}`;
    if (s[3] === 'retry' && s[4] === 'backoff') return `the backoff of ${step}`;
    if (s[3] === 'onFailure') return `the failure replies of ${step}`;
    return step;
  }
  if (s[1] === 'onCompleted') return `"onCompleted" of ${saga}`;
  if (s[1] === 'onCompensated') return `"onCompensated" of ${saga}`;
  return saga;
}

/** Names a value at `segments`: a property of its parent mapping, or an item of a list. */
export function describeField(kind: DocumentKind, segments: readonly string[], root: unknown): string {
  if (segments.length === 0) return describeContext(kind, segments, root);
  const parent = segments.slice(0, -1);
  const last = segments[segments.length - 1]!;
  // Entries of name-keyed sections are things in their own right ("service "x"").
  const named =
    (kind === 'catalog' &&
      ((parent.length === 1 && ['services', 'messages', 'definitions'].includes(parent[0]!)) ||
        (parent.length === 3 && parent[0] === 'messages' && (parent[2] === 'versions' || parent[2] === 'acceptedBreaks')))) ||
    (kind === 'saga' && parent.length === 2 && (parent[1] === 'steps' || parent[1] === 'reactions'));
  if (named) return describeContext(kind, segments, root);
  const parentValue = getAtPointer(root, parent);
  if (parentValue.found && Array.isArray(parentValue.value)) {
    return `item ${Number(last) + 1} of ${describeField(kind, parent, root)}`;
  }
  if (parent.length === 0) return `"${last}"`;
  return `"${last}" in ${describeContext(kind, parent, root)}`;
}

export function typeName(t: string): string {
  switch (t) {
    case 'object':
      return 'a mapping';
    case 'array':
      return 'a list';
    case 'string':
      return 'a string';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'empty';
    default:
      return t;
  }
}

export function typeOfValue(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  return typeof v;
}

function describeChoreography(s: readonly string[], root: unknown): string {
  const name = getAtPointer(root, ['choreography', 'name']);
  const flow = name.found && typeof name.value === 'string' ? `choreography "${name.value}"` : 'the choreography';
  if (s.length === 1) return flow;
  if (s[1] === 'reactions') {
    if (s.length === 2) return `the reactions of ${flow}`;
    const rName = getAtPointer(root, ['choreography', 'reactions', s[2]!, 'name']);
    const reaction = rName.found && typeof rName.value === 'string' ? `reaction "${rName.value}"` : `reaction ${Number(s[2]) + 1}`;
    if (s[3] === 'onFailure') return `the failure events of ${reaction}`;
    if (s[3] === 'on' && s.length > 4) return `the events ${reaction} reacts to`;
    return reaction;
  }
  if (s[1] === 'onCompleted' || s[1] === 'onCompensated') return `"${s[1]}" of ${flow}`;
  return flow;
}
