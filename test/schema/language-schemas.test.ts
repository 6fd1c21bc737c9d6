// The language schemas are what editors use (through the yaml-language-server modeline): they must
// be valid draft-07, accept the examples, and explain themselves on hover.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
type Validate = ((d: unknown) => boolean) & { errors?: unknown };
const Ajv = (require('ajv') as { default: new (o: object) => { compile(s: unknown): Validate; validateSchema(s: unknown): boolean } }).default;
const root = join(import.meta.dirname, '../..');
const schema = (name: string) => JSON.parse(readFileSync(join(root, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
const yamlFile = (rel: string) => parse(readFileSync(join(root, rel), 'utf8')) as unknown;

describe('language schemas', () => {
  it.each(['catalog', 'saga'])('%s.schema.json is strict-valid draft-07', (name) => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    expect(ajv.validateSchema(schema(name))).toBe(true);
    expect(() => ajv.compile(schema(name))).not.toThrow();
  });

  it.each([
    ['catalog', 'examples/order-system/catalog.yaml'],
    ['catalog', 'examples/minimal/catalog.yaml'],
    ['saga', 'examples/order-system/sagas/order-saga.yaml'],
    ['catalog', 'test/fixtures/valid/catalog.yaml'],
    ['saga', 'test/fixtures/valid/sagas/checkout.yaml'],
  ])('%s schema accepts %s', (name, file) => {
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(schema(name));
    expect(validate(yamlFile(file)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(['catalog', 'saga'])('every property of %s.schema.json has a description for editors', (name) => {
    const missing: string[] = [];
    const s = schema(name);
    const defs = s['definitions'] as Record<string, Record<string, unknown>>;
    const visit = (node: Record<string, unknown>, path: string) => {
      const props = node['properties'] as Record<string, Record<string, unknown>> | undefined;
      for (const [k, v] of Object.entries(props ?? {})) {
        const ref = typeof v['$ref'] === 'string' ? defs[(v['$ref'] as string).split('/').pop()!] : undefined;
        if (!v['description'] && !ref?.['description'] && k !== 'description') missing.push(`${path}.${k}`);
      }
    };
    visit(s, name);
    for (const [defName, def] of Object.entries(defs)) visit(def, `${name}#${defName}`);
    expect(missing).toEqual([]);
  });
});
