// Property tests: whatever data a catalog or saga holds, loading reports Diagnostics and never
// throws, and `project` is present exactly when there is no error.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parse } from 'yaml';
import { hasErrors } from '../../src/core/diagnostics.js';
import { loadProjectFromSources } from '../../src/project/load.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const catalog = parse(readFileSync(join(fixtures, 'valid/catalog.yaml'), 'utf8')) as unknown;
const saga = parse(readFileSync(join(fixtures, 'valid/sagas/checkout.yaml'), 'utf8')) as unknown;

/** Every path to a node of a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function replaceAt(v: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[head!] = replaceAt(copy[head!], rest, value);
  return copy;
}

const catalogPaths = paths(catalog);
const sagaPaths = paths(saga);
const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('OrderPlaced', 'payment', 'ChargeCard', 'CardCharged', 'orderId', '#/definitions/Money', './nope.json', '10s', 'event', 'command', 'reply'),
);

function load(cat: unknown, sg: unknown) {
  return loadProjectFromSources({
    catalog: { path: '/p/catalog.yaml', text: stringify(cat) },
    sagas: [{ path: '/p/sagas/s.yaml', text: stringify(sg) }],
    readFile: () => undefined,
  });
}

describe('robustness', () => {
  it('never throws on mutated catalogs and sagas', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...catalogPaths), anyValue), { maxLength: 3 }),
        fc.array(fc.tuple(fc.constantFrom(...sagaPaths), anyValue), { maxLength: 2 }),
        (catEdits, sagaEdits) => {
          let cat = catalog;
          for (const [p, v] of catEdits) cat = replaceAt(cat, p, v);
          let sg = saga;
          for (const [p, v] of sagaEdits) sg = replaceAt(sg, p, v);
          const r = load(cat, sg);
          expect(r.project === undefined).toBe(hasErrors(r.diagnostics));
          for (const d of r.diagnostics) {
            expect(d.message.length).toBeGreaterThan(0);
            expect(d.code).toMatch(/^[EW]_[A-Z_]+$/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary documents', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        const r = load(a, b);
        expect(r.project === undefined).toBe(hasErrors(r.diagnostics));
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = loadProjectFromSources({ catalog: { path: '/p/catalog.yaml', text }, sagas: [] });
        expect(hasErrors(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
