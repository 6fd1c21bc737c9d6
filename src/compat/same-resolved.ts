// Whether two schemas from different documents (a baseline and the working catalog) are the same
// once their `$ref`s are followed: equal text is not enough when a shared definition changed.
// Each pair of referenced targets is compared once, so a definition used by every message costs
// one comparison in total; recursive definitions terminate (a pair being compared is assumed equal).

import type { SchemaScope } from './schema-node.js';

export class ResolvedEquality {
  private readonly done = new WeakMap<object, WeakMap<object, boolean>>();

  same(a: unknown, as: SchemaScope, b: unknown, bs: SchemaScope): boolean {
    return this.walk(a, as, b, bs);
  }

  private walk(a: unknown, as: SchemaScope, b: unknown, bs: SchemaScope): boolean {
    if (a === b && as.file === bs.file && as.resolver === bs.resolver) return true;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      return a.length === bb.length && a.every((x, i) => this.walk(x, as, bb[i], bs));
    }
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = Object.keys(ra);
    if (keys.length !== Object.keys(rb).length) return false;
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(rb, k)) return false;
      const va = ra[k];
      const vb = rb[k];
      if (k === '$ref' && typeof va === 'string') {
        if (va !== vb || !this.targets(va, as, bs)) return false;
      } else if (!this.walk(va, as, vb, bs)) return false;
    }
    return true;
  }

  private targets(ref: string, as: SchemaScope, bs: SchemaScope): boolean {
    const ta = as.resolver.resolveRef(ref, as.file);
    const tb = bs.resolver.resolveRef(ref, bs.file);
    if (!ta.ok || !tb.ok) return false;
    const x = ta.target.schema;
    const y = tb.target.schema;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return x === y;
    let row = this.done.get(x);
    const hit = row?.get(y);
    if (hit !== undefined) return hit;
    if (!row) this.done.set(x, (row = new WeakMap()));
    row.set(y, true); // assumed while comparing: recursive definitions come back here
    const result = this.walk(x, { file: ta.target.file, resolver: as.resolver }, y, { file: tb.target.file, resolver: bs.resolver });
    row.set(y, result);
    return result;
  }
}
