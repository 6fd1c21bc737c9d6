// The text scan's bound on nesting (src/loader/nesting.ts) lets the loader skip walking the data
// of almost every file; it must never be below the real depth, in any style YAML allows.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/loader/parse-yaml.js';
import { scanNesting } from '../../src/loader/nesting.js';

/** Depth of the deepest collection, the root collection being 0 (as deepestPath counts). */
function depth(value: unknown): number {
  if (value === null || typeof value !== 'object') return -1;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(-1, ...children.map(depth));
}

const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom('x', 1, null, 'a b: c', '# not a comment'), tie('list'), tie('map')),
  list: fc.array(tie('node'), { minLength: 1, maxLength: 3 }),
  map: fc.dictionary(fc.constantFrom('a', 'b', 'key', '- k', '{k}'), tie('node'), { minKeys: 1, maxKeys: 3 }),
})).map;

describe('scanNesting', () => {
  it('bounds the depth of every document from above (block, flow, compact, mixed styles)', () => {
    fc.assert(
      fc.property(tree, fc.constantFrom(0, 1, 2, 3), fc.constantFrom(1, 2, 4), (value, flowLevel, indent) => {
        const text = stringify(value, { flowCollectionPadding: false, indent, indentSeq: indent > 1, collectionStyle: flowLevel === 3 ? 'flow' : 'any', ...(flowLevel === 1 ? { lineWidth: 20 } : {}) });
        const parsed = parseYamlSource('/t.yaml', text).parsed;
        if (parsed === undefined) return;
        expect(depth(parsed.value)).toBeLessThan(scanNesting(text).bound);
      }),
      { seed: 100, numRuns: 300 },
    );
  });

  it('sees compact sequences (- - - x) and sequences at their key\'s indentation', () => {
    expect(scanNesting('a:\n- - - x\n').bound).toBeGreaterThan(depth({ a: [[['x']]] }));
    expect(scanNesting('a:\n- b:\n  - c\n').bound).toBeGreaterThan(depth({ a: [{ b: ['c'] }] }));
  });

  it('finds the first flow bracket too deep, not counting brackets in quotes and comments', () => {
    expect(scanNesting(`a: "${'['.repeat(200)}" # ${'{'.repeat(200)}\n`).tooDeepAt).toBeUndefined();
    expect(scanNesting(`a: ${'['.repeat(101)}`).tooDeepAt).toBe(3 + 100);
  });
});
