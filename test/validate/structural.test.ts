import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { collapse } from '../../src/validate/structural.js';
import type { ValidationError } from '../../src/schema/validators.js';

const require = createRequire(import.meta.url);
type Validate = ((d: unknown) => boolean) & { errors?: ValidationError[] | null };
const Ajv = (require('ajv') as { default: new (o: object) => { compile(s: unknown): Validate } }).default;

const validate = new Ajv({ allErrors: true, strict: false }).compile({
  type: 'object',
  additionalProperties: false,
  required: ['topic'],
  properties: {
    topic: { type: 'string' },
    timeout: { anyOf: [{ type: 'string', pattern: '^[0-9]+s$' }, { type: 'integer', minimum: 1 }] },
    mode: { oneOf: [{ const: 'a' }, { const: 'b' }] },
  },
});
const errorsFor = (data: unknown) => {
  validate(data);
  return collapse(validate.errors ?? []);
};

describe('collapse', () => {
  it('keeps only the errors of the anyOf branch whose type matched', () => {
    expect(errorsFor({ topic: 't', timeout: '5 minutes' })).toEqual([expect.objectContaining({ keyword: 'pattern', instancePath: '/timeout' })]);
    expect(errorsFor({ topic: 't', timeout: 0 })).toEqual([expect.objectContaining({ keyword: 'minimum', instancePath: '/timeout' })]);
  });

  it('turns a value matching no branch type into one "X or Y" error', () => {
    expect(errorsFor({ topic: 't', timeout: true })).toEqual([
      expect.objectContaining({ keyword: 'typeUnion', instancePath: '/timeout', params: { types: ['string', 'integer'] } }),
    ]);
  });

  it('does not report a missing key that an unknown near-miss key explains', () => {
    expect(errorsFor({ topc: 't' })).toEqual([expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'topc' } })]);
    expect(errorsFor({ banana: 't' }).map((e) => e.keyword).sort()).toEqual(['additionalProperties', 'required']);
  });

  it('lets a wrong type explain everything below it', () => {
    expect(errorsFor({ topic: 5 })).toEqual([expect.objectContaining({ keyword: 'type', instancePath: '/topic' })]);
  });
});
