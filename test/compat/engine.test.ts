import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchemaPair } from '../../src/compat/schemas.js';
import { POLICIES, RULES, type Policy, type RuleId } from '../../src/compat/rules.js';
import type { LoadedFile } from '../../src/schema/refs.js';

const back = (o: unknown, n: unknown, policy: Policy = 'strict') => checkSchemaPair(o, n, { mode: 'BACKWARD', policy });
const rules = (o: unknown, n: unknown, policy: Policy = 'strict') => back(o, n, policy).findings.map((f) => f.rule);
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

const MARKERS = new Set<RuleId>(['PROPERTY_ADDED_NOT_COVERED', 'PROPERTY_REMOVED_NOT_COVERED']);

describe('documented rule examples', () => {
  const withExample = (Object.keys(RULES) as RuleId[]).filter((id) => (RULES[id] as { example?: unknown }).example);
  it('most rules carry an example', () => {
    expect(withExample.length).toBeGreaterThan(80);
  });
  for (const id of withExample) {
    it(`${id}: example produces the rule with the documented verdicts`, () => {
      const [o, n] = (RULES[id] as { example: readonly [unknown, unknown] }).example;
      for (const policy of POLICIES) {
        const res = back(o, n, policy);
        const found = res.findings.filter((f) => f.rule === id);
        expect(found.length, `${id} under ${policy}: got ${res.findings.map((f) => f.rule).join(', ')}`).toBeGreaterThan(0);
        expect(found.every((f) => f.compatible === RULES[id][policy])).toBe(true);
        // A *_NOT_COVERED marker always comes with its reason, which decides the verdict.
        expect(res.compatible).toBe(MARKERS.has(id) ? false : RULES[id][policy]);
      }
    });
  }
});

describe('types', () => {
  it('integer -> number widens (compatible), number -> integer narrows', () => {
    expect(back({ type: 'integer' }, { type: 'number' }).compatible).toBe(true);
    expect(rules({ type: 'number' }, { type: 'integer' })).toEqual(['TYPE_NARROWED']);
  });
  it('type arrays: adding a type is fine, removing one breaks', () => {
    expect(back({ type: 'string' }, { type: ['string', 'null'] }).compatible).toBe(true);
    expect(rules({ type: ['string', 'null'] }, { type: 'string' })).toEqual(['TYPE_REMOVED']);
    expect(back({ type: ['integer', 'null'] }, { type: ['null', 'number'] }).compatible).toBe(true);
  });
  it('reports the property path and both types', () => {
    const res = back(obj({ total: { type: 'integer' } }), obj({ total: { type: 'string' } }));
    expect(res.findings).toEqual([
      expect.objectContaining({ rule: 'TYPE_CHANGED', newPath: '/properties/total/type', oldValue: 'integer', newValue: 'string', compatible: false }),
    ]);
  });
});

describe('objects and content models', () => {
  const closed = { additionalProperties: false };
  it('a new required property breaks; with a default in a closed model it does not', () => {
    expect(rules(obj({}, closed), obj({ total: { type: 'number' } }, { ...closed, required: ['total'] }))).toEqual(['REQUIRED_PROPERTY_ADDED']);
    expect(back(obj({}, closed), obj({ total: { type: 'number', default: 0 } }, { ...closed, required: ['total'] })).compatible).toBe(true);
  });
  it('optional property added to an open model: strict rejects, lenient accepts', () => {
    expect(back(obj({}), obj({ a: { type: 'string' } }), 'strict').compatible).toBe(false);
    expect(back(obj({}), obj({ a: { type: 'string' } }), 'lenient').compatible).toBe(true);
  });
  it('property removed from a closed model breaks old data carrying it', () => {
    expect(rules(obj({ a: { type: 'string' } }, closed), obj({}, closed))).toEqual(['PROPERTY_REMOVED_FROM_CLOSED_MODEL']);
  });
  it('patternProperties and unevaluatedProperties cover added properties', () => {
    const o = { type: 'object', patternProperties: { '^x_': { type: 'integer' } }, additionalProperties: false };
    const n = { ...o, properties: { x_count: { type: 'number' } } };
    expect(back(o, n).compatible).toBe(true);
    const n2 = { ...o, properties: { x_count: { type: 'string' } } };
    expect(rules(o, n2)).toContain('PROPERTY_ADDED_NOT_COVERED');
    const u = { type: 'object', unevaluatedProperties: { type: 'string' } };
    expect(back(u, { ...u, properties: { a: { type: 'string' } } }).compatible).toBe(true);
  });
  it('a new pattern also constrains declared properties whose names match it', () => {
    const o = obj({ x_count: { type: 'integer' } }, closed);
    const n = { ...o, patternProperties: { '^x_': { type: 'string' } } };
    const res = back(o, n);
    expect(res.compatible).toBe(false);
    expect(res.findings.find((f) => f.rule === 'TYPE_CHANGED')?.newPath).toBe('/patternProperties/^x_/type');
    expect(back(o, { ...o, patternProperties: { '^x_': { type: 'number' } } }).compatible).toBe(true);
  });
  it('dependencies (draft-07) and dependentRequired (2020-12) are the same rule', () => {
    const props = { a: { type: 'string' }, b: { type: 'string' } };
    expect(rules(obj(props), obj(props, { dependencies: { a: ['b'] } }))).toEqual(['DEPENDENT_REQUIRED_ADDED']);
    expect(rules(obj(props), obj(props, { dependentRequired: { a: ['b'] } }))).toEqual(['DEPENDENT_REQUIRED_ADDED']);
    expect(back(obj(props, { dependentRequired: { a: ['b'] } }), obj(props)).compatible).toBe(true);
  });
  it('bounds: maxProperties / minProperties', () => {
    expect(rules({ type: 'object', maxProperties: 3 }, { type: 'object', maxProperties: 2 })).toEqual(['MAX_PROPERTIES_DECREASED']);
    expect(back({ type: 'object', minProperties: 3 }, { type: 'object', minProperties: 2 }).compatible).toBe(true);
  });
});

describe('strings, numbers, enums', () => {
  it('string bounds, pattern and format', () => {
    expect(rules({ type: 'string', maxLength: 5 }, { type: 'string', maxLength: 4 })).toEqual(['MAX_LENGTH_DECREASED']);
    expect(rules({ type: 'string' }, { type: 'string', pattern: '^a' })).toEqual(['PATTERN_ADDED']);
    expect(rules({ type: 'string', format: 'uuid' }, { type: 'string', format: 'email' })).toEqual(['FORMAT_CHANGED']);
  });
  it('multipleOf: a divisor is fine, anything else breaks', () => {
    expect(back({ type: 'number', multipleOf: 0.5 }, { type: 'number', multipleOf: 0.25 }).compatible).toBe(true);
    expect(back({ type: 'number', multipleOf: 10 }, { type: 'number', multipleOf: 4 }).compatible).toBe(false);
  });
  it('enum: one finding per removed value, naming it', () => {
    const res = back({ type: 'string', enum: ['red', 'green', 'blue'] }, { type: 'string', enum: ['red', 'yellow'] });
    const removed = res.findings.filter((f) => f.rule === 'ENUM_VALUE_REMOVED').map((f) => f.oldValue);
    expect(removed.sort()).toEqual(['blue', 'green']);
    expect(res.findings.some((f) => f.rule === 'ENUM_VALUE_ADDED' && f.newValue === 'yellow' && f.compatible)).toBe(true);
    expect(res.compatible).toBe(false);
  });
  it('enum added to a free string breaks; dropped, it is fine', () => {
    expect(rules({ type: 'string' }, { type: 'string', enum: ['a'] })).toEqual(['ENUM_ADDED']);
    expect(back({ type: 'string', enum: ['a'] }, { type: 'string' }).compatible).toBe(true);
  });
  it('const vs enum', () => {
    expect(back({ const: 'a' }, { enum: ['a', 'b'] }).compatible).toBe(true);
    expect(rules({ const: 'a' }, { const: 'b' })).toEqual(['CONST_CHANGED']);
    expect(back({ enum: ['a', 'b'] }, { type: 'string', maxLength: 1 }).compatible).toBe(true);
    expect(back({ enum: ['a', 'bb'] }, { type: 'string', maxLength: 1 }).compatible).toBe(false);
  });
});

describe('combinators', () => {
  const s = { type: 'string' };
  const n = { type: 'number' };
  const b = { type: 'boolean' };
  it('branches are matched regardless of order', () => {
    expect(back({ oneOf: [s, n, b] }, { oneOf: [b, s, n] }).findings).toEqual([]);
    expect(back({ anyOf: [s, { type: 'integer' }] }, { anyOf: [n, s] }).compatible).toBe(true);
  });
  it('maximum matching, not greedy: each old branch needs its own new branch', () => {
    // greedy would pair integer->number first and strand number; the matching finds integer->integer, number->number.
    expect(back({ oneOf: [{ type: 'integer' }, n] }, { oneOf: [n, { type: 'integer' }] }).compatible).toBe(true);
    expect(back({ oneOf: [{ type: 'integer' }, n] }, { oneOf: [n, s] }).compatible).toBe(false);
  });
  it('a removed alternative breaks and is explained by the branch', () => {
    expect(rules({ oneOf: [s, n] }, { oneOf: [s] })).toEqual(['UNION_NARROWED']);
    const res = back({ oneOf: [obj({ a: s }), n] }, { oneOf: [n, obj({ a: n })] });
    expect(res.findings.map((f) => f.rule)).toContain('TYPE_CHANGED');
    expect(res.findings.find((f) => f.rule === 'TYPE_CHANGED')?.newPath).toBe('/oneOf/1/properties/a/type');
  });
  it('allOf: dropping a constraint is fine, adding one breaks', () => {
    expect(back({ allOf: [s, { maxLength: 3 }] }, { allOf: [s] }).compatible).toBe(true);
    expect(back({ allOf: [s] }, { allOf: [s, { maxLength: 3 }] }).compatible).toBe(false);
  });
  it('a plain schema fits one alternative of a new union', () => {
    expect(back(s, { anyOf: [n, s] }).compatible).toBe(true);
    expect(back(obj({ a: s }), { oneOf: [obj({ a: s }), { type: 'null' }] }).compatible).toBe(true);
  });
  it('not flips direction', () => {
    expect(back({ not: { type: 'number' } }, { not: { type: 'integer' } }).compatible).toBe(true);
    expect(back({ not: { type: 'integer' } }, { not: { type: 'number' } }).compatible).toBe(false);
  });
});

describe('arrays', () => {
  it('items, tuples in both drafts', () => {
    expect(rules({ type: 'array' }, { type: 'array', items: { type: 'string' } })).toEqual(['ITEMS_SCHEMA_ADDED']);
    expect(rules({ type: 'array', items: { type: 'integer' } }, { type: 'array', items: { type: 'string' } })).toEqual(['TYPE_CHANGED']);
    expect(back({ type: 'array', items: [{ type: 'string' }], additionalItems: false }, { type: 'array', prefixItems: [{ type: 'string' }], items: false }).compatible).toBe(true);
    expect(rules({ type: 'array', prefixItems: [s(), s()], items: false }, { type: 'array', prefixItems: [s()], items: false })).toEqual(['ITEM_REMOVED_FROM_CLOSED_MODEL']);
  });
  it('bounds and uniqueness', () => {
    expect(rules({ type: 'array', minItems: 1 }, { type: 'array', minItems: 2 })).toEqual(['MIN_ITEMS_INCREASED']);
    expect(rules({ type: 'array' }, { type: 'array', uniqueItems: true })).toEqual(['UNIQUE_ITEMS_ADDED']);
  });
  function s() {
    return { type: 'string' };
  }
});

describe('$ref', () => {
  it('local #/definitions and #/$defs; moving to an equivalent ref is no change', () => {
    const viaDefs = { $ref: '#/definitions/Money', definitions: { Money: obj({ amount: { type: 'integer' } }) } };
    const viaDollarDefs = { $ref: '#/$defs/Money', $defs: { Money: obj({ amount: { type: 'integer' } }) } };
    expect(back(viaDefs, viaDollarDefs).findings).toEqual([]);
    const changed = { $ref: '#/$defs/Money', $defs: { Money: obj({ amount: { type: 'string' } }) } };
    expect(rules(viaDefs, changed)).toEqual(['TYPE_CHANGED']);
  });
  it('recursive schemas terminate and still find deep changes', () => {
    const tree = (leaf: string) => ({
      $ref: '#/$defs/Node',
      $defs: { Node: obj({ value: { type: leaf }, children: { type: 'array', items: { $ref: '#/$defs/Node' } }, next: { oneOf: [{ type: 'null' }, { $ref: '#/$defs/Node' }] } }) },
    });
    expect(back(tree('string'), tree('string')).findings).toEqual([]);
    expect(rules(tree('integer'), tree('number'))).toContain('TYPE_WIDENED');
    expect(back(tree('string'), tree('number')).compatible).toBe(false);
  });
  it('files beside the schema', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compat-ref-'));
    writeFileSync(join(dir, 'money-v1.json'), JSON.stringify(obj({ amount: { type: 'integer' } })));
    writeFileSync(join(dir, 'money-v2.json'), JSON.stringify(obj({ amount: { type: 'integer' }, currency: { type: 'string' } }, { required: ['currency'] })));
    const loadFile = (abs: string): LoadedFile => {
      try {
        return { ok: true, value: JSON.parse(readFileSync(abs, 'utf8')) };
      } catch {
        return { ok: false, reason: 'missing' };
      }
    };
    const res = checkSchemaPair(
      obj({ price: { $ref: './money-v1.json' } }),
      obj({ price: { $ref: './money-v2.json' } }),
      { mode: 'BACKWARD', policy: 'strict', oldFile: join(dir, 'old.json'), newFile: join(dir, 'new.json'), loadFile },
    );
    expect(res.problems).toEqual([]);
    expect(res.findings.map((f) => f.rule)).toContain('REQUIRED_PROPERTY_ADDED');
  });
  it('an unresolvable ref is a problem, not a verdict', () => {
    const res = back({ $ref: '#/definitions/Nope' }, { type: 'string' });
    expect(res.problems.length).toBe(1);
    expect(res.compatible).toBe(false);
  });
});

describe('modes', () => {
  const v1 = obj({ a: { type: 'string' } }, { additionalProperties: false });
  const v2 = obj({ a: { type: 'string' }, b: { type: 'string' } }, { additionalProperties: false });
  it('FORWARD swaps the roles; FULL is both; NONE checks nothing', () => {
    expect(checkSchemaPair(v1, v2, { mode: 'BACKWARD', policy: 'strict' }).compatible).toBe(true);
    const fwd = checkSchemaPair(v1, v2, { mode: 'FORWARD', policy: 'strict' });
    expect(fwd.compatible).toBe(false);
    expect(fwd.findings[0]).toMatchObject({ rule: 'PROPERTY_REMOVED_FROM_CLOSED_MODEL', direction: 'forward', newPath: '/properties/b' });
    expect(checkSchemaPair(v1, v2, { mode: 'FULL', policy: 'strict' }).compatible).toBe(false);
    expect(checkSchemaPair(v1, { type: 'number' }, { mode: 'NONE', policy: 'strict' }).findings).toEqual([]);
  });
});
