// check-compat runs in CI on every push: its import graph must never reach ts-morph (0.4 s).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function graph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    // Static imports, re-exports and dynamic import('...') alike.
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      const spec = m[1] as string;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
        if (existsSync(target)) visit(target);
      } else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
    }
  };
  visit(entry);
  return { files, packages };
}

describe('check-compat import graph', () => {
  it('never loads ts-morph', () => {
    const { files, packages } = graph(join(repoRoot, 'src', 'commands', 'check-compat.ts'));
    expect(files.size).toBeGreaterThan(10);
    expect([...files].some((f) => f.endsWith('compat/compare.ts'))).toBe(true);
    expect([...packages]).toContain('yaml'); // the walk does reach package imports
    expect([...packages]).not.toContain('ts-morph');
  });
});
