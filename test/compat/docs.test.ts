// docs/compat-rules.md documents every rule with the verdicts the engine actually uses.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, RULES, type RuleId } from '../../src/compat/rules.js';
import { checkSchemaPair } from '../../src/compat/schemas.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(join(repoRoot, 'docs', 'compat-rules.md'), 'utf8');

describe('docs/compat-rules.md', () => {
  it('has one table row per rule, with the verdicts of src/compat/rules.ts', () => {
    const yes = (b: boolean) => (b ? 'yes' : '**no**');
    for (const id of Object.keys(RULES) as RuleId[]) {
      const row = doc.split('\n').find((l) => l.includes(`</a>\`${id}\` |`));
      expect(row, `no row for ${id}`).toBeDefined();
      expect(row).toContain(`\`${id}\` | ${yes(RULES[id].strict)} | ${yes(RULES[id].lenient)} | ${yes(RULES[id].instance)} |`);
    }
  });
  it('states the conformance result the test enforces and the default policy', () => {
    expect(doc).toContain('confluent vectors: 263/263 strict, 263/263 lenient');
    expect(doc).toContain(`(default: ${DEFAULT_POLICY})`);
    expect(DEFAULT_POLICY).toBe('instance');
  });
  it('its worked examples hold', () => {
    const nullable = { oneOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }] };
    expect(checkSchemaPair({ type: 'string', enum: ['a'] }, nullable, { mode: 'BACKWARD', policy: 'strict' }).compatible).toBe(true);
    expect(checkSchemaPair({ enum: ['a'] }, { type: 'string' }, { mode: 'BACKWARD', policy: 'strict' }).compatible).toBe(true);
    const open = { type: 'object', properties: {} };
    const res = checkSchemaPair(open, { ...open, properties: { x: {} }, required: ['x'] }, { mode: 'BACKWARD', policy: 'lenient' });
    expect(res.findings.map((f) => f.rule)).toEqual(['REQUIRED_PROPERTY_ADDED']);
  });
});
