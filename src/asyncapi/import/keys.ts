// Which payload property can be a message's ordering key: the top-level properties of an imported
// payload (through a top-level `$ref` to a definition and `allOf`, as validate looks them up), and
// a ranking for when the document does not say (an id that is required first).

import { getAtPointer, parsePointer } from '../../loader/json-pointer.js';
import { isSchemaObject } from '../../schema/walk.js';

export interface KeyCandidates {
  readonly properties: readonly string[];
  /** Best first: required ids, required properties, other ids, the rest. */
  readonly ranked: readonly string[];
}

export function keyCandidates(payload: unknown, definitions: Readonly<Record<string, unknown>>): KeyCandidates {
  const properties: string[] = [];
  const required: string[] = [];
  const seen = new Set<unknown>();
  const visit = (node: unknown, depth: number): void => {
    if (!isSchemaObject(node) || depth > 32 || seen.has(node)) return;
    seen.add(node);
    const props = node['properties'];
    if (isSchemaObject(props)) for (const k of Object.keys(props)) if (!properties.includes(k)) properties.push(k);
    const req = node['required'];
    if (Array.isArray(req)) for (const r of req) if (typeof r === 'string' && !required.includes(r)) required.push(r);
    const ref = node['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
      const segments = parsePointer(ref.slice('#/definitions'.length).replace(/^/, '#')) ?? [];
      const found = getAtPointer(definitions, segments);
      if (found.found) visit(found.value, depth + 1);
    }
    const allOf = node['allOf'];
    if (Array.isArray(allOf)) for (const sub of allOf) visit(sub, depth + 1);
  };
  visit(payload, 0);
  const isId = (p: string) => /^id$|Id$|_id$|ID$/.test(p);
  const present = required.filter((r) => properties.includes(r));
  const ranked = [...new Set([...present.filter(isId), ...present, ...properties.filter(isId), ...properties])];
  return { properties, ranked };
}
