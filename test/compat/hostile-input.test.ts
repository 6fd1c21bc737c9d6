// `check-compat --old A --new B` on input that is wrong or hostile (issue 15 items 4 and 6): every
// problem exits 2 with the code the catalog path gives for the same problem, located
// `file:line:col` where it was written, paths relative to where the command runs; nothing crashes.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCompat } from '../../src/cli/run-check-compat.js';
import { loadProject } from '../../src/project/load.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = existsSync(join(repoRoot, 'dist', 'commands', 'check-compat.js'));
const inCi = process.env['CI'] === 'true';
const string = { type: 'string' };

/** A working directory holding `files` (JSON values, written pretty-printed: one key per line). */
function project(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'compat-hostile-'));
  for (const [name, value] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  }
  return dir;
}

async function compat(dir: string, oldFile: string, newFile: string) {
  let err = '';
  const outcome = await checkCompat(
    { catalog: 'unused', old: oldFile, new: newFile, cwd: dir, format: 'text' },
    { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } },
  );
  return { code: outcome.exitCode, err, codes: (outcome.diagnostics ?? []).map((d) => d.code) };
}

/** The codes `validate` gives for the same `$ref`, written in a catalog payload. */
async function catalogCodes(ref: unknown, definitions: Record<string, unknown> = {}): Promise<string[]> {
  const catalog = {
    edasaga: 1,
    catalog: { name: 'refs', namespace: 'com.example.refs' },
    services: { svc: { description: 'Refs.' } },
    definitions,
    messages: {
      Thing: { kind: 'event', service: 'svc', topic: 'things', key: 'id', versions: { 1: { payload: { type: 'object', properties: { id: string, a: ref } } } } },
    },
  };
  const dir = project({ 'project/catalog.yaml': catalog });
  const loaded = await loadProject({ catalogPath: join(dir, 'project', 'catalog.yaml') });
  return loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

describe('$ref problems in --old/--new: the catalog path\'s codes, located where written', () => {
  const v1 = (a: unknown, extra: Record<string, unknown> = {}) => ({ type: 'object', properties: { a }, ...extra });

  it('a remote $ref: E_REMOTE_REF', async () => {
    const dir = project({ 'old.json': v1(string), 'new.json': v1({ $ref: 'https://example.com/a.json' }) });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.code).toBe(2);
    expect(r.codes).toEqual(['E_REMOTE_REF']);
    // "$ref" sits on line 5 of the pretty-printed file, its value at column 15.
    expect(r.err).toMatch(/^new\.json:5:15: error E_REMOTE_REF: \$ref "https:\/\/example\.com\/a\.json" points outside the project/m);
    expect(await catalogCodes({ $ref: 'https://example.com/a.json' })).toEqual(['E_REMOTE_REF']);
  });

  it('a cycle of $refs: E_REF_CYCLE', async () => {
    const cyclic = v1({ $ref: '#/$defs/A' }, { $defs: { A: { $ref: '#/$defs/B' }, B: { $ref: '#/$defs/A' } } });
    const dir = project({ 'old.json': v1(string), 'new.json': cyclic });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.code).toBe(2);
    // One cycle, one error, at the first of its own `$ref`s (the root's only leads into it).
    expect(r.codes).toEqual(['E_REF_CYCLE']);
    expect(r.err).toMatch(/^new\.json:10:15: error E_REF_CYCLE: \$ref "#\/\$defs\/B" is a cycle of references that never reaches a schema \(#\/\$defs\/B -> #\/\$defs\/A -> #\/\$defs\/B\)/m);
    expect(new Set(await catalogCodes({ $ref: '#/definitions/A' }, { A: { $ref: '#/definitions/B' }, B: { $ref: '#/definitions/A' } }))).toEqual(new Set(['E_REF_CYCLE']));
  });

  it('a missing #/$defs/X: E_UNRESOLVED_REF, with its line', async () => {
    const dir = project({ 'old.json': v1({ $ref: '#/$defs/X' }), 'new.json': v1(string) });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.codes).toEqual(['E_UNRESOLVED_REF']);
    expect(r.err).toMatch(/^old\.json:5:15: error E_UNRESOLVED_REF: cannot resolve \$ref "#\/\$defs\/X": this document has nothing at "\/\$defs\/X"/m);
    expect(await catalogCodes({ $ref: '#/definitions/X' })).toEqual(['E_UNRESOLVED_REF']);
  });

  it('a $ref that leaves the folder is refused, not read: E_REF_OUTSIDE_PROJECT', async () => {
    const dir = project({ 'schemas/old.json': v1(string), 'schemas/new.json': { $ref: '../../etc/passwd' } });
    const r = await compat(dir, 'schemas/old.json', 'schemas/new.json');
    expect(r.code).toBe(2);
    expect(r.codes).toEqual(['E_REF_OUTSIDE_PROJECT']);
    expect(r.err).toMatch(/^schemas\/new\.json:2:11: error E_REF_OUTSIDE_PROJECT: \$ref "\.\.\/\.\.\/etc\/passwd" leaves the working directory/m);
    expect(r.err).not.toContain(dir); // relative paths only
    expect(await catalogCodes({ $ref: '../../etc/passwd' })).toEqual(['E_REF_OUTSIDE_PROJECT']);
  });

  it('a $ref to a folder beside the schemas, inside the working directory, is fine', async () => {
    const dir = project({ 'v1/order.json': v1({ $ref: '../common/money.json' }), 'v2/order.json': v1({ $ref: '../common/money.json' }), 'common/money.json': { type: 'integer' } });
    expect((await compat(dir, 'v1/order.json', 'v2/order.json')).code).toBe(0);
  });

  it('a $ref to a file that does not exist: one E_UNRESOLVED_REF at the $ref, no E_FILE_NOT_FOUND with an absolute path', async () => {
    const dir = project({ 'old.json': v1(string), 'new.json': v1({ $ref: './nope.json' }) });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.codes).toEqual(['E_UNRESOLVED_REF']);
    expect(r.err).toMatch(/^new\.json:5:15: error E_UNRESOLVED_REF: cannot resolve \$ref "\.\/nope\.json": the file does not exist/m);
    expect(r.err).not.toContain(dir);
    expect(await catalogCodes({ $ref: './nope.json' })).toEqual(['E_UNRESOLVED_REF']);
  });

  it('a broken $ref inside a referenced file is located in that file', async () => {
    const dir = project({ 'old.json': v1(string), 'new.json': v1({ $ref: './part.json' }), 'part.json': { properties: { b: { $ref: '#/$defs/Nope' } } } });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.err).toMatch(/^part\.json:4:15: error E_UNRESOLVED_REF/m);
  });
});

describe('schemas that nest too deep', () => {
  /** `n` definitions, each an object whose `x` is the next one, the last `leaf`. */
  const chain = (n: number, leaf: unknown) => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) defs[`D${i}`] = { type: 'object', properties: { x: { $ref: `#/$defs/D${i + 1}` } } };
    defs[`D${n}`] = leaf;
    return { $ref: '#/$defs/D0', $defs: defs };
  };

  it('a chain of 5,000 definitions is refused with E_NESTING_TOO_DEEP at a definition, not a stack overflow', async () => {
    const dir = project({ 'old.json': chain(5000, string), 'new.json': chain(5000, { type: 'number' }) });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.code).toBe(2);
    expect(r.codes).toEqual(['E_NESTING_TOO_DEEP']);
    expect(r.err).toMatch(/^new\.json:\d+:\d+: error E_NESTING_TOO_DEEP: comparing the schemas nests more than 300 levels deep/m);
  });

  it('a shorter chain is compared (and its break found)', async () => {
    const dir = project({ 'old.json': chain(100, string), 'new.json': chain(100, { type: 'number' }) });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.code).toBe(1);
  });

  it('a chain of 5,000 `{ $ref }`-only schemas: E_NESTING_TOO_DEEP in --old/--new and in a catalog', async () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) defs[`R${i}`] = { $ref: `#/$defs/R${i + 1}` };
    defs['R5000'] = string;
    const dir = project({ 'old.json': { $ref: '#/$defs/R0', $defs: defs }, 'new.json': string });
    const r = await compat(dir, 'old.json', 'new.json');
    expect(r.codes).toEqual(['E_NESTING_TOO_DEEP']);
    expect(r.err).toMatch(/^old\.json:2:11: error E_NESTING_TOO_DEEP: \$ref "#\/\$defs\/R0" starts a chain of more than 64/m);
    const catalogDefs: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) catalogDefs[`R${i}`] = { $ref: `#/definitions/R${i + 1}` };
    catalogDefs['R5000'] = string;
    expect(await catalogCodes({ $ref: '#/definitions/R0' }, catalogDefs)).toEqual(['E_NESTING_TOO_DEEP']);
  });

  it('validate follows a catalog chain of 5,000 definitions without overflowing the stack', async () => {
    const definitions: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) definitions[`D${i}`] = { type: 'object', properties: { x: { $ref: `#/definitions/D${i + 1}` } } };
    definitions['D5000'] = string;
    const catalog = {
      edasaga: 1,
      catalog: { name: 'chain', namespace: 'com.example.chain' },
      services: { svc: { description: 'Chain.' } },
      definitions,
      messages: { Thing: { kind: 'event', service: 'svc', topic: 'things', key: 'id', versions: { 1: { payload: { type: 'object', properties: { id: string, a: { $ref: '#/definitions/D0' } } } } } } },
    };
    const dir = project({ 'catalog.yaml': catalog });
    const loaded = await loadProject({ catalogPath: join(dir, 'catalog.yaml') });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  describe.skipIf(!built && !inCi)('the built CLI (child process), with the fuzzer\'s reproducers as both --old and --new', () => {
    const deep = (n: number, k: string) => `{"${k}":[`.repeat(n) + '{"type":"string"}' + ']}'.repeat(n);
    it.each([
      ['allOf', 500],
      ['anyOf', 1000],
      ['allOf', 400],
    ])('%s x%i: exit 2, located, no crash', (k, n) => {
      const dir = project({ 'deep.json': deep(n, k) });
      const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), 'check-compat', '--old', 'deep.json', '--new', 'deep.json'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^deep\.json:1:501: error E_NESTING_TOO_DEEP: old schema nests mappings and lists more than 100 levels deep/m);
      expect(r.stderr).not.toMatch(/FATAL|out of memory|call stack|\n\s+at /);
    });
  });
});
