// Golden files: the generated output for the example catalog, reviewable in the repository.
// UPDATE_GOLDEN=1 npx vitest run test/generate/golden.test.ts rewrites them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planProject } from '../../src/generate/planner.js';
import { loadExample } from './helpers/model.js';

const GOLDEN = join(import.meta.dirname, 'golden/order-system');

function listFiles(dir: string): string[] {
  let entries: string[] = [];
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      entries = entries.concat(entry.isDirectory() ? listFiles(path) : [path]);
    }
  } catch {
    return [];
  }
  return entries;
}

const example = await loadExample();

describe('golden output for examples/order-system', () => {
  // The messaging emitter's output only: the project emitter has its own golden files.
  const plan = planProject(example.project, { bundle: example.bundle, emitters: [] });

  if (process.env['UPDATE_GOLDEN'] === '1') {
    rmSync(GOLDEN, { recursive: true, force: true });
    for (const file of plan.files) {
      mkdirSync(dirname(join(GOLDEN, file.path)), { recursive: true });
      writeFileSync(join(GOLDEN, file.path), file.content);
    }
  }

  it('plans without diagnostics', () => {
    expect(plan.diagnostics).toEqual([]);
  });

  it('plans exactly the golden files', () => {
    const golden = listFiles(GOLDEN).map((p) => relative(GOLDEN, p).split('\\').join('/')).sort();
    expect(plan.files.map((f) => f.path).sort()).toEqual(golden);
  });

  for (const file of plan.files) {
    it(`matches ${file.path}`, () => {
      expect(file.content).toBe(readFileSync(join(GOLDEN, file.path), 'utf8'));
    });
  }
});
