import { describe, expect, it } from 'vitest';
import { ResolvedEquality } from '../../src/compat/same-resolved.js';
import { RefResolver } from '../../src/schema/refs.js';

const scopeOf = (doc: unknown, file: string) => ({
  file,
  resolver: new RefResolver({ catalogFile: file, catalogDocument: doc, loadFile: () => ({ ok: false, reason: 'none' }) }),
});

describe('ResolvedEquality', () => {
  const node = (leaf: string) => ({
    definitions: { Node: { type: 'object', properties: { v: { type: leaf }, next: { $ref: '#/definitions/Node' } } } },
    payload: { $ref: '#/definitions/Node' },
  });
  it('equal text with equal (recursive) targets is the same; terminates', () => {
    const a = node('string');
    const b = node('string');
    expect(new ResolvedEquality().same(a.payload, scopeOf(a, '/a/catalog.yaml'), b.payload, scopeOf(b, '/b/catalog.yaml'))).toBe(true);
  });
  it('equal text whose shared definition changed is not', () => {
    const a = node('string');
    const b = node('integer');
    expect(new ResolvedEquality().same(a.payload, scopeOf(a, '/a/catalog.yaml'), b.payload, scopeOf(b, '/b/catalog.yaml'))).toBe(false);
  });
  it('an unresolvable ref is never "the same"', () => {
    const a = { payload: { $ref: '#/definitions/Gone' } };
    expect(new ResolvedEquality().same(a.payload, scopeOf(a, '/a/c.yaml'), a.payload, scopeOf(a, '/b/c.yaml'))).toBe(false);
  });
});
