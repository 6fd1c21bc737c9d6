// The CLI under fuzzed input (issue 15, item 5): mutated copies of the example catalog and saga
// through the built validate, generate and check-compat, with every promise of test/cli/fuzz/harness.ts
// checked on every case, and a few catalogs that validate compiled under strict tsc. A fixed seed
// and a short run here (CI); `node bench/fuzz.mjs` runs as many as you like.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectsRoot } from '../generate/helpers/compile-projects.js';
import { REPO, problemsOf, runFuzz, type CaseResult } from './fuzz/harness.js';

const root = projectsRoot('fuzz');
afterAll(() => {
  if (process.env['KEEP_E2E'] !== '1') rmSync(root, { recursive: true, force: true });
});

describe('the checks of every case (they can fail)', () => {
  const ok = { exit: 0, stdout: '{"diagnostics":[]}', stderr: '', ms: 1 } as const;
  const invalid = (diagnostics: object[]) => ({ exit: 2, stdout: JSON.stringify({ diagnostics }), stderr: '', ms: 1 });
  const located = { code: 'E_YAML_SYNTAX', severity: 'error', file: 'catalog.yaml', line: 3, col: 4 };
  const base: CaseResult & { stray: string } = { validate: ok, generate: ok, compat: ok, fast: 'same', careful: 'same', stray: '' };

  it('accept a case that keeps every promise', () => {
    expect(problemsOf(base)).toEqual([]);
    expect(problemsOf({ ...base, validate: invalid([located]), generate: invalid([located]), compat: invalid([located]) })).toEqual([]);
  });

  it.each([
    ['an exception', { validate: { exit: 'threw', stdout: '', stderr: '', error: 'TypeError: x\n    at f (a.js:1:2)', ms: 1 } }, 'validate threw'],
    ['an exit code other than 0, 1, 2', { generate: { ...ok, exit: 134 } }, 'generate exited 134'],
    ['a stack trace in the output', { compat: { ...ok, stderr: 'Error: boom\n    at run (/x/dist/compat/run.js:10:5)' } }, 'check-compat printed a stack trace'],
    ['an unlocated position error', { validate: invalid([{ code: 'E_BINARY_FILE', severity: 'error', file: 'catalog.yaml' }]), generate: invalid([located]), compat: invalid([located]) }, 'E_BINARY_FILE without file:line:col'],
    ['exit 2 with nothing said', { validate: invalid([]), generate: invalid([located]), compat: invalid([located]) }, 'without an error saying why'],
    ['commands that disagree', { validate: invalid([located]) }, 'validate says invalid input'],
    ['a clean catalog that does not generate', { generate: invalid([located]) }, 'does not generate'],
    ['two YAML paths that differ', { careful: 'other' }, 'fast and careful YAML paths differ'],
    ['output outside the commands', { stray: 'warning: something' }, "output outside the commands' own"],
  ])('reject %s', (_what, change, expected) => {
    expect(problemsOf({ ...base, ...(change as Partial<typeof base>) }).join('\n')).toContain(expected);
  });
});

describe('the CLI on mutated catalogs and sagas', () => {
  it('exits 0, 1 or 2, locates every exit-2 error, agrees with itself, and what validates compiles', async () => {
    if (!existsSync(join(REPO, 'dist/cli/run-validate.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const report = await runFuzz({ seed: 15_5, runs: Number(process.env['FUZZ_RUNS'] ?? 60), compileSamples: 3, root });
    expect(report.compileOutput).toBe('');
    // The run must have tried both kinds of input, or it proves little.
    expect(report.compiled).toBe(3);
    const exits = Object.keys(report.exits);
    expect(exits.some((e) => e.startsWith('0/'))).toBe(true);
    expect(exits.some((e) => e.startsWith('2/'))).toBe(true);
  }, 240_000);
});
