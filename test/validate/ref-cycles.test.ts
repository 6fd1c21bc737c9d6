// `$ref` cycles are one mistake each (issue 15's fuzzing): reported once, at a `$ref` of the cycle,
// not at every `$ref` that leads into it (a cycle between two definitions used to give 15 errors,
// five of them the same). And a cycle through allOf/anyOf/oneOf, which validated and then generated
// `type Address = OrderItem; type OrderItem = Address` (TS2456), is one too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFromSources } from '../../src/project/load.js';

const ROOT = join(import.meta.dirname, '../..');
const CATALOG_FILE = join(ROOT, 'examples/order-system/catalog.yaml');
const CATALOG = readFileSync(CATALOG_FILE, 'utf8');

/** The example with its three definitions replaced. */
function withDefinitions(definitions: string) {
  const start = CATALOG.indexOf('definitions:\n');
  const end = CATALOG.indexOf('\nmessages:\n');
  const catalog = `${CATALOG.slice(0, start)}definitions:\n${definitions}${CATALOG.slice(end)}`;
  const result = loadProjectFromSources({ catalog: { path: CATALOG_FILE, text: catalog }, sagas: [] });
  const lineOf = (text: string) => catalog.split('\n').findIndex((l) => l.includes(text)) + 1;
  return { result, lineOf };
}

const ORDER_ITEM = `  OrderItem:
    type: object
    properties:
      sku: { type: string }
      unitPrice: { $ref: "#/definitions/Money" }
`;

describe('$ref cycles', () => {
  it('two definitions pointing at each other: one error, at the first $ref, naming the loop', () => {
    const { result, lineOf } = withDefinitions(`  Money: { $ref: "#/definitions/Address" }\n  Address: { $ref: "#/definitions/Money" }\n${ORDER_ITEM}`);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({
        code: 'E_REF_CYCLE',
        line: lineOf('Money: { $ref'),
        message: '$ref "#/definitions/Address" is a cycle of references that never reaches a schema (#/definitions/Address -> #/definitions/Money -> #/definitions/Address)',
      }),
    ]);
  });

  it('a cycle through allOf: refused (it validated, then generated a circular type alias)', () => {
    const { result, lineOf } = withDefinitions(`  Money: { type: object, properties: { amount: { type: integer } } }
  Address:
    $ref: "#/definitions/OrderItem"
  OrderItem:
    allOf:
      - $ref: "#/definitions/Address"
`);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'E_REF_CYCLE', line: lineOf('$ref: "#/definitions/OrderItem"'), hint: 'a recursive schema must recurse through properties or items' }),
    ]);
    expect(result.diagnostics[0]!.message).toContain('#/definitions/Address -> #/definitions/OrderItem -> allOf/0 -> #/definitions/Address');
  });

  it('a schema that is its own alternative (anyOf) is one too', () => {
    const { result } = withDefinitions(`  Money:\n    anyOf:\n      - { type: "null" }\n      - $ref: "#/definitions/Money"\n  Address: { type: string }\n${ORDER_ITEM}`);
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['E_REF_CYCLE']);
  });

  it('recursion through properties or items is fine', () => {
    const { result } = withDefinitions(`  Money:
    type: object
    properties:
      amount: { type: integer }
      parts: { type: array, items: { $ref: "#/definitions/Money" } }
      next: { anyOf: [{ type: "null" }, { $ref: "#/definitions/Money" }] }
  Address: { type: string }
${ORDER_ITEM}`);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
