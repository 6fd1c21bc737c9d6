// Properties every verdict must have, over generated schemas.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../src/compat/rules.js';
import { checkSchemaPair } from '../../src/compat/schemas.js';
import { COMPATIBILITY_MODES } from '../../src/model/types.js';

const name = fc.constantFrom('a', 'b', 'c', 'd');
const { schema } = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>(true, {}, { type: 'null' }, { type: 'boolean' }),
    fc.record({ type: fc.constant('string'), maxLength: fc.option(fc.nat(10), { nil: undefined }), pattern: fc.option(fc.constantFrom('^a', '^b'), { nil: undefined }) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constantFrom('number', 'integer'), minimum: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }), multipleOf: fc.option(fc.constantFrom(1, 2, 5), { nil: undefined }) }, { requiredKeys: ['type'] }),
    fc.record({ type: fc.constant('string'), enum: fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { minLength: 1 }) }),
    fc.record({ type: fc.constantFrom<unknown>(['string', 'null'], ['integer', 'string'], ['number', 'null', 'boolean']) }),
    fc.record(
      {
        type: fc.constant('object'),
        properties: fc.dictionary(name, tie('schema'), { maxKeys: 3 }),
        required: fc.uniqueArray(name, { maxLength: 2 }),
        additionalProperties: fc.constantFrom<unknown>(false, true, { type: 'string' }),
      },
      { requiredKeys: ['type', 'properties'] },
    ),
    fc.record({ type: fc.constant('array'), items: tie('schema'), minItems: fc.option(fc.nat(3), { nil: undefined }) }, { requiredKeys: ['type', 'items'] }),
    fc.record({ type: fc.constant('array'), prefixItems: fc.array(tie('schema'), { maxLength: 3 }), items: fc.constantFrom<unknown>(false, true) }),
    fc.record({ oneOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ allOf: fc.array(tie('schema'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ not: fc.constantFrom<unknown>({ type: 'string' }, { type: 'integer' }) }),
  ),
}));

const clean = (v: unknown): unknown => JSON.parse(JSON.stringify(v)) as unknown;
const policy = fc.constantFrom(...POLICIES);

describe('compatibility properties', () => {
  it('a schema is compatible with itself (and with a copy of itself) in every mode and policy', () => {
    fc.assert(
      fc.property(schema, policy, (s, p) => {
        const c = clean(s);
        for (const mode of COMPATIBILITY_MODES) {
          expect(checkSchemaPair(c, c, { mode, policy: p }).compatible).toBe(true);
          expect(checkSchemaPair(c, clean(s), { mode, policy: p }).compatible).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('FULL = BACKWARD and FORWARD', () => {
    fc.assert(
      fc.property(schema, schema, policy, (a, b, p) => {
        const [x, y] = [clean(a), clean(b)];
        const back = checkSchemaPair(x, y, { mode: 'BACKWARD', policy: p }).compatible;
        const fwd = checkSchemaPair(x, y, { mode: 'FORWARD', policy: p }).compatible;
        expect(checkSchemaPair(x, y, { mode: 'FULL', policy: p }).compatible).toBe(back && fwd);
      }),
      { numRuns: 400 },
    );
  });

  it('BACKWARD from a to b is FORWARD from b to a', () => {
    fc.assert(
      fc.property(schema, schema, policy, (a, b, p) => {
        const [x, y] = [clean(a), clean(b)];
        const back = checkSchemaPair(x, y, { mode: 'BACKWARD', policy: p });
        const fwd = checkSchemaPair(y, x, { mode: 'FORWARD', policy: p });
        expect(fwd.compatible).toBe(back.compatible);
        expect(fwd.findings.map((f) => f.rule).sort()).toEqual(back.findings.map((f) => f.rule).sort());
      }),
      { numRuns: 300 },
    );
  });

  // strict and instance each tolerate a subset of lenient's changes (instance is not a superset of
  // strict: it rejects UNDECLARED_PROPERTY_REQUIRED, which both of Confluent's policies accept).
  it.each([
    ['strict', 'lenient'],
    ['instance', 'lenient'],
  ] as const)('lenient never rejects what %s accepts', (narrower, wider) => {
    fc.assert(
      fc.property(schema, schema, (a, b) => {
        const [x, y] = [clean(a), clean(b)];
        if (checkSchemaPair(x, y, { mode: 'BACKWARD', policy: narrower }).compatible) {
          expect(checkSchemaPair(x, y, { mode: 'BACKWARD', policy: wider }).compatible).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('anything can be read with the empty schema, and adding an alternative keeps old data readable', () => {
    fc.assert(
      fc.property(schema, schema, policy, (a, b, p) => {
        const x = clean(a);
        expect(checkSchemaPair(x, {}, { mode: 'BACKWARD', policy: p }).compatible).toBe(true);
        expect(checkSchemaPair(x, { anyOf: [clean(b), x] }, { mode: 'BACKWARD', policy: p }).compatible).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever JSON it is given as schemas', () => {
    const keyword = fc.constantFrom('type', 'properties', 'required', 'items', 'prefixItems', 'additionalProperties', 'enum', 'const', 'oneOf', 'anyOf', 'allOf', 'not', '$ref', 'pattern', 'multipleOf', 'maximum', 'dependencies', 'patternProperties', 'unevaluatedProperties', 'if', 'then', 'else', 'x');
    const { junk } = fc.letrec<{ junk: unknown }>((tie) => ({
      junk: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom<unknown>('#', '#/definitions/x', '(', 0, -1, 'string', ['string', 5]),
        fc.dictionary(keyword, tie('junk'), { maxKeys: 4 }),
        fc.array(tie('junk'), { maxLength: 3 }),
      ),
    }));
    fc.assert(
      fc.property(junk, junk, policy, (a, b, p) => {
        for (const mode of ['FULL', 'NONE'] as const) {
          const res = checkSchemaPair(clean(a), clean(b), { mode, policy: p });
          expect(typeof res.compatible).toBe('boolean');
        }
      }),
      { numRuns: 500 },
    );
  });
});
