// The schema -> TypeScript printer on its own: nested objects and arrays, enums, unions, nullables.
import { describe, expect, it } from 'vitest';
import { declareType, newScope, typeOf } from '../../src/generate/schema-types.js';

const refs = (ref: string) => (ref === '#/definitions/Money' ? 'Money' : undefined);

function print(schema: unknown, name = 'T'): string {
  const scope = newScope(refs);
  const main = declareType(name, schema as never, scope);
  return [...scope.declarations, main].join('\n');
}

describe('schema-types', () => {
  it('prints primitives, enums, consts and nullables', () => {
    const scope = newScope(refs);
    expect(typeOf({ type: 'string' }, 'X', scope)).toBe('string');
    expect(typeOf({ type: 'integer' }, 'X', scope)).toBe('number');
    expect(typeOf({ type: ['string', 'null'] }, 'X', scope)).toBe('string | null');
    expect(typeOf({ type: 'string', nullable: true }, 'X', scope)).toBe('string | null');
    expect(typeOf({ enum: ['a', 1, true, null] }, 'X', scope)).toBe('"a" | 1 | true | null');
    expect(typeOf({ const: 'x' }, 'X', scope)).toBe('"x"');
    expect(typeOf({}, 'X', scope)).toBe('unknown');
    expect(typeOf(false, 'X', scope)).toBe('never');
    expect(typeOf({ $ref: '#/definitions/Money' }, 'X', scope)).toBe('Money');
    expect([...scope.refs]).toEqual(['Money']);
    expect(typeOf({ $ref: './elsewhere.json' }, 'X', scope)).toBe('unknown');
  });

  it('prints unions for oneOf/anyOf and intersections for allOf', () => {
    const scope = newScope(refs);
    expect(typeOf({ oneOf: [{ type: 'string' }, { type: 'number' }] }, 'X', scope)).toBe('string | number');
    expect(typeOf({ anyOf: [{ $ref: '#/definitions/Money' }, { type: 'null' }] }, 'X', scope)).toBe('Money | null');
    expect(typeOf({ allOf: [{ $ref: '#/definitions/Money' }, { type: 'object', properties: { note: { type: 'string' } } }] }, 'X', scope)).toBe('Money & XPart2');
  });

  it('prints arrays and tuples as readonly', () => {
    const scope = newScope(refs);
    expect(typeOf({ type: 'array', items: { type: 'string' } }, 'X', scope)).toBe('readonly string[]');
    expect(typeOf({ type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } }, 'X', scope)).toBe('readonly (string | number)[]');
    expect(typeOf({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }, 'X', scope)).toBe('readonly [string, number]');
    expect(typeOf({ type: 'array', items: { type: 'string', nullable: true } }, 'X', scope)).toBe('readonly (string | null)[]');
  });

  it('declares nested objects as their own readonly interfaces, with JSDoc', () => {
    expect(
      print({
        type: 'object',
        description: 'Top.',
        required: ['lines'],
        properties: {
          lines: { type: 'array', items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string', description: 'Stock unit.' } } } },
          meta: { type: 'object', additionalProperties: { type: 'string' } },
          extra: { type: 'object', properties: { a: { type: 'string', format: 'date-time', default: '1970-01-01T00:00:00Z' } }, additionalProperties: true },
        },
      }),
    ).toBe(`export interface TLinesItem {
  /** Stock unit. */
  readonly sku: string;
}

export interface TExtra {
  /**
   * @format date-time
   * @default "1970-01-01T00:00:00Z"
   */
  readonly a?: string;
  readonly [key: string]: unknown;
}

/** Top. */
export interface T {
  readonly lines: readonly TLinesItem[];
  readonly meta?: { readonly [key: string]: string };
  readonly extra?: TExtra;
}
`);
  });

  it('keeps nested names unique and away from reserved names', () => {
    const scope = newScope(refs, ['TA']);
    expect(typeOf({ type: 'object', properties: { x: { type: 'string' } } }, 'TA', scope)).toBe('TA2');
  });

  it('declares non-object roots as type aliases', () => {
    expect(print({ oneOf: [{ type: 'string' }, { type: 'object', properties: { a: { type: 'number' } } }] })).toBe(
      'export interface TOption2 {\n  readonly a?: number;\n}\n\nexport type T = string | TOption2;\n',
    );
  });
});
