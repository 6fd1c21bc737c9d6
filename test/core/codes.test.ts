// The registry of diagnostic codes (src/core/codes.ts) and docs/diagnostics.md say the same, and
// every code the sources use is in the registry (TypeScript checks it for Diagnostic objects; this
// also catches codes in strings that are not typed as one yet).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, type DiagnosticCode } from '../../src/core/codes.js';

const ROOT = join(import.meta.dirname, '../..');
const doc = readFileSync(join(ROOT, 'docs/diagnostics.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('diagnostic codes', () => {
  const rows = doc.split('\n').filter((l) => /^\| `[EW]_[A-Z0-9_]+` \|/.test(l));

  it('docs/diagnostics.md has one row per code, with its exit code, where it points and its meaning', () => {
    for (const [code, info] of Object.entries(CODES)) {
      expect(rows.filter((r) => r.startsWith(`| \`${code}\` |`)), `rows for ${code}`).toEqual([`| \`${code}\` | ${info.exit} | ${info.where} | ${info.summary} |`]);
    }
    expect(rows).toHaveLength(Object.keys(CODES).length);
  });

  it('warnings exit 0 and point at a position; errors exit 2', () => {
    for (const [code, info] of Object.entries(CODES)) {
      if (code.startsWith('W_')) expect({ code, exit: info.exit, where: info.where }).toEqual({ code, exit: 0, where: 'position' });
      else expect({ code, exit: info.exit }).toEqual({ code, exit: 2 });
    }
  });

  it('every code written in src/ is registered', () => {
    const used = new Set<string>();
    for (const file of sources(join(ROOT, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`]([EW]_[A-Z][A-Z0-9_]*)['"`]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((c) => !(c in CODES)).sort()).toEqual([]);
  });

  it('every registered code is used somewhere in src/ (no stale entries)', () => {
    const text = sources(join(ROOT, 'src')).filter((f) => !f.endsWith('core/codes.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = (Object.keys(CODES) as DiagnosticCode[]).filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });
});
