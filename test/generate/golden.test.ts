// Golden files: the generated project for the example catalog, reviewable in the repository: the
// messaging emitter's output and the project emitter's (wiring, sagas, mains, scripts, docs and the
// user-owned files as first created). Not kept: the runtime (a verbatim copy of src/runtime) and the
// fixed files (verbatim copies of templates/project), each checked against its source instead.
// `npm run typecheck` compiles these with the templates and the runtime (tsconfig.templates.json).
// UPDATE_GOLDEN=1 npx vitest run test/generate/golden.test.ts rewrites them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { header, planProject } from '../../src/generate/planner.js';
import { RUNTIME_DIR } from '../../src/generate/layout.js';
import { templateText } from '../../src/generate/project/sources.js';
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

/** A fixed file: planned as the template of the same path, with the do-not-edit header (if any) in front. */
function isFixedCopy(path: string, content: string): boolean {
  let template: string;
  try {
    template = templateText(path);
  } catch {
    return false;
  }
  return content === template || content === `${header(path, 'catalog.yaml')}${template}`;
}

describe('golden output for examples/order-system', () => {
  const full = planProject(example.project, { bundle: example.bundle });
  const runtime = full.files.filter((f) => f.path.startsWith(`${RUNTIME_DIR}/`));
  const fixed = full.files.filter((f) => !f.path.startsWith(`${RUNTIME_DIR}/`) && isFixedCopy(f.path, f.content));
  const plan = { diagnostics: full.diagnostics, files: full.files.filter((f) => !runtime.includes(f) && !fixed.includes(f)) };

  it('copies the runtime and the fixed files from their sources', () => {
    expect(runtime.length).toBeGreaterThan(20);
    expect(fixed.map((f) => f.path).sort()).toEqual(
      expect.arrayContaining(['src/generated/app/context.ts', 'src/generated/app/http.ts', 'src/generated/app/index.ts', 'src/generated/app/system.ts', 'src/generated/main.ts', 'tsconfig.json', 'test/system.test.ts']),
    );
  });

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
