// Confluent Schema Registry's own JSON Schema compatibility vectors (third-party data under the
// Confluent Community License) are read from ../shared beside the repository, never copied in.
// Every case must get Confluent's verdict under both policies.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSchemaPair } from '../../src/compat/schemas.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vectorsDir = resolve(repoRoot, '..', 'shared', 'conformance', 'confluent-json-schema');
const present = existsSync(vectorsDir);
const inCi = process.env['CI'] === 'true';

interface Vector {
  readonly description: string;
  readonly original_schema: unknown;
  readonly update_schema: unknown;
  readonly compatible: boolean;
  readonly compatible_lenient?: boolean;
  readonly changes: readonly string[];
}

function readVectors(): { file: string; index: number; vector: Vector }[] {
  const out: { file: string; index: number; vector: Vector }[] = [];
  for (const file of readdirSync(vectorsDir).filter((f) => f.endsWith('.json')).sort()) {
    // One file has trailing commas (Confluent parses it with a lenient JSON reader).
    const text = readFileSync(join(vectorsDir, file), 'utf8').replace(/,(\s*[}\]])/g, '$1');
    (JSON.parse(text) as Vector[]).forEach((vector, index) => out.push({ file, index, vector }));
  }
  return out;
}

if (!present && !inCi) {
  console.log(`confluent vectors: NOT CHECKED - ${vectorsDir} is absent (conformance was not checked in this clone)`);
}

describe('Confluent JSON Schema compatibility vectors', () => {
  it.runIf(inCi && !present)('are present in CI', () => {
    expect.fail(`conformance vectors missing at ${vectorsDir}: CI must check them`);
  });

  describe.skipIf(!present)(`from ${vectorsDir}`, () => {
    it('agree with every verdict under strict and lenient', () => {
      const vectors = readVectors();
      expect(vectors.length).toBe(263);
      const disagreements: string[] = [];
      let strictOk = 0;
      let lenientOk = 0;
      for (const { file, index, vector } of vectors) {
        const expected = { strict: vector.compatible, lenient: vector.compatible_lenient ?? vector.compatible };
        for (const policy of ['strict', 'lenient'] as const) {
          const got = checkSchemaPair(vector.original_schema, vector.update_schema, { mode: 'BACKWARD', policy });
          if (got.problems.length > 0) {
            disagreements.push(`${file}#${index} ${vector.description}: ${got.problems.map((p) => p.message).join('; ')}`);
            continue;
          }
          if (got.compatible === expected[policy]) {
            if (policy === 'strict') strictOk++;
            else lenientOk++;
          } else {
            const rules = got.findings.map((f) => `${f.rule}${f.compatible ? '' : '!'} ${f.newPath ?? f.oldPath}`).join(', ');
            disagreements.push(
              `${file}#${index} [${policy}] ${vector.description}: expected ${expected[policy]}, got ${got.compatible} (${rules}); confluent: ${vector.changes.join(', ')}`,
            );
          }
        }
      }
      console.log(`confluent vectors: ${strictOk}/${vectors.length} strict, ${lenientOk}/${vectors.length} lenient`);
      expect(disagreements).toEqual([]);
    });
  });
});
