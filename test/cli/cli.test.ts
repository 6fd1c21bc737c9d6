// Runs the real CLI (bin/run.js on the build output) as a child process.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/run.js');
const fixtures = join(import.meta.dirname, '../fixtures');
const example = join(root, 'examples/order-system/catalog.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'edasaga-cli-'));
const STACK = /\n\s+at .+:\d+:\d+/;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

beforeAll(() => {
  // `npm test` builds first; when this file runs alone, build if the output is missing or stale.
  const marker = join(root, 'dist/schema/generated/catalog.cjs');
  const newest = Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'schemas')));
  const stale = !existsSync(marker) || !existsSync(join(root, 'oclif.manifest.json')) || newest > statSync(marker).mtimeMs;
  if (stale) {
    const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  }
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function cli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('edasaga validate', () => {
  it('accepts the order-system example (exit 0)', () => {
    const r = cli(['validate', '--catalog', example]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^ok: .*catalog\.yaml is valid: 5 services, 18 messages, 1 saga \(OrderSaga\)\n$/);
  });

  it('reports JSON on request', () => {
    const r = cli(['validate', '--catalog', example, '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, counts: { services: 5, messages: 18, sagas: 1 }, diagnostics: [], errors: 0, warnings: 0 });
  });

  it('uses ./catalog.yaml and sagas/*.yaml by default', () => {
    const r = cli(['validate'], { cwd: join(fixtures, 'wrong-kinds') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('sagas/checkout.yaml:11:18: error E_WRONG_KIND');
  });

  it('reports mistakes with positions and code frames (exit 2), no stack trace', () => {
    const r = cli(['validate'], { cwd: join(fixtures, 'typo-property') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(readFileSync(join(fixtures, 'typo-property/expected.txt'), 'utf8').replace(/^exit 2\n/, '') + '\n2 errors\n');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('reports mistakes as JSON (exit 2)', () => {
    const r = cli(['validate', '--format=json'], { cwd: join(fixtures, 'unknown-references') });
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; file: string; line: number; col: number; hint?: string }[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics.map((d) => d.code)).toEqual(['E_UNKNOWN_SERVICE', 'E_UNKNOWN_MESSAGE', 'E_UNKNOWN_SERVICE', 'E_UNKNOWN_SERVICE', 'E_UNKNOWN_MESSAGE']);
    expect(out.diagnostics[4]).toMatchObject({ file: 'sagas/checkout.yaml', line: 10, col: 16, hint: 'did you mean "ChargeCard"?' });
  });

  it('takes explicit --saga files (repeatable)', () => {
    const dir = join(fixtures, 'valid');
    const saga = join(dir, 'sagas/checkout.yaml');
    const r = cli(['validate', '--catalog', join(dir, 'catalog.yaml'), '--saga', saga, '--saga', join(fixtures, 'wrong-kinds/sagas/checkout.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_DUPLICATE_NAME');
    expect(r.stderr).toContain('E_WRONG_KIND');
  });

  it.each([
    ['invalid YAML', ['validate'], 'yaml-syntax', 'E_YAML_SYNTAX'],
    ['duplicate keys', ['validate'], 'duplicate-keys', 'E_YAML_DUPLICATE_KEY'],
    ['an alias bomb', ['validate'], 'alias-bomb', 'E_YAML_ALIAS_LIMIT'],
    ['a __proto__ key', ['validate'], 'proto-key', 'E_FORBIDDEN_KEY'],
    ['an empty file', ['validate'], 'empty-file', 'E_EMPTY_FILE'],
    ['a binary file', ['validate'], 'binary-file', 'E_BINARY_FILE'],
    ['a missing catalog', ['validate', '--catalog', 'nope.yaml'], 'valid', 'E_FILE_NOT_FOUND'],
    ['a directory as catalog', ['validate', '--catalog', 'sagas'], 'valid', 'E_NOT_A_FILE'],
    ['a missing saga', ['validate', '--saga', 'sagas/nope.yaml'], 'valid', 'E_FILE_NOT_FOUND'],
    ['a saga passed as the catalog', ['validate', '--catalog', 'sagas/checkout.yaml'], 'valid', 'E_WRONG_FILE_KIND'],
    ['the catalog passed as a saga', ['validate', '--saga', 'catalog.yaml'], 'valid', 'E_WRONG_FILE_KIND'],
  ])('exits 2 for %s', (_, args, fixture, code) => {
    const r = cli(args, { cwd: join(fixtures, fixture) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error ${code}`);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('exits 2 for a file over the size limit', () => {
    const big = join(tmp, 'big.yaml');
    writeFileSync(big, 'a: ' + 'x'.repeat(5 * 1024 * 1024) + '\n');
    const r = cli(['validate', '--catalog', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('larger than the 5 MiB limit');
  });

  it.each([
    [['validate', '--bogus'], 'Nonexistent flag: --bogus'],
    [['validate', '--format', 'xml'], 'Expected --format=xml to be one of: text, json'],
    [['validate', '--catalog'], 'Flag --catalog expects a value'],
  ])('exits 2 with one clean line for usage errors: %j', (args, text) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: ${text}`);
    expect(r.stderr).toContain('See: edasaga validate --help');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('exits 2 for unknown commands, without a stack trace', () => {
    // oclif reads `validate extra-arg` as a subcommand (topic separator is a space).
    for (const args of [['valdate'], ['validate', 'extra-arg']]) {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/command .* not found/);
      expect(r.stderr).not.toMatch(STACK);
    }
  });

  it('the lean path and the oclif path report identically', () => {
    for (const [cwd, args] of [[join(fixtures, 'names'), ['validate']], [join(fixtures, 'keys'), ['validate', '--format', 'json']], [root, ['validate', '--catalog', example]]] as const) {
      const fast = cli([...args], { cwd });
      const slow = cli([...args], { cwd, env: { EDASAGA_NO_FAST_PATH: '1' } });
      expect(slow).toEqual(fast);
    }
  });
});

describe('the build', () => {
  it('precompiled validators (dist) report exactly what the sources report for every fixture', async () => {
    type Load = typeof import('../../src/project/load.js');
    const built = (await import(pathToFileURL(join(root, 'dist/project/load.js')).href)) as Load;
    const sources = await import('../../src/project/load.js');
    const cases = readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const c of cases) {
      const options = { catalogPath: join(fixtures, c.name, 'catalog.yaml') };
      expect((await built.loadProject(options)).diagnostics, c.name).toEqual((await sources.loadProject(options)).diagnostics);
    }
  });

  it('ships the standalone validators and the bundle', () => {
    for (const f of ['catalog', 'saga', 'meta-2020-12', 'meta-draft-07']) {
      expect(readFileSync(join(root, `dist/schema/generated/${f}.cjs`), 'utf8')).toContain('Generated by scripts/build.mjs');
    }
    // The bundle is built whenever esbuild (part of the dev tooling) is installed.
    let esbuild = true;
    try {
      createRequire(import.meta.url).resolve('esbuild');
    } catch {
      esbuild = false;
    }
    expect(existsSync(join(root, 'dist/cli/validate.bundle.mjs'))).toBe(esbuild);
  });
});

describe('edasaga --help', () => {
  it('lists the commands', () => {
    const r = cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('validate');
    expect(r.stdout).toContain('init');
  });
});

describe('edasaga init', () => {
  it('scaffolds the order system, which then validates', () => {
    const dir = join(tmp, 'shop');
    const r = cli(['init', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote  catalog.yaml');
    expect(r.stdout).toContain('wrote  sagas/order-saga.yaml');
    expect(r.stdout).toContain('wrote  .edasaga/schemas/catalog.schema.json');
    expect(r.stdout).toMatch(/Next:\n {2}cd .*shop\n {2}edasaga validate\n {2}edasaga generate\n {2}npm install && npm run demo\n$/);
    expect(readFileSync(join(dir, 'catalog.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./.edasaga/schemas/catalog.schema.json');
    expect(readFileSync(join(dir, 'sagas/order-saga.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../.edasaga/schemas/saga.schema.json');
    expect(JSON.parse(readFileSync(join(dir, '.edasaga/schemas/saga.schema.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(root, 'schemas/saga.schema.json'), 'utf8')));
    expect(cli(['validate'], { cwd: dir })).toMatchObject({ code: 0, stderr: '' });
  });

  it('refuses a non-empty directory (exit 2), and with --force keeps existing files', () => {
    const dir = join(tmp, 'existing');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'catalog.yaml'), 'mine: true\n');
    const refused = cli(['init', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_DIR_NOT_EMPTY');
    expect(readdirSync(dir)).toEqual(['catalog.yaml']);

    const forced = cli(['init', dir, '--force', '--format', 'json']);
    expect(forced.code).toBe(0);
    const out = JSON.parse(forced.stdout) as { kept: string[]; written: string[] };
    expect(out.kept).toEqual(['catalog.yaml']);
    expect(out.written).toContain('sagas/order-saga.yaml');
    expect(readFileSync(join(dir, 'catalog.yaml'), 'utf8')).toBe('mine: true\n');
  });

  it('scaffolds the minimal template', () => {
    const dir = join(tmp, 'mini');
    const r = cli(['init', dir, '--template', 'minimal', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, template: 'minimal', written: ['catalog.yaml', '.edasaga/schemas/catalog.schema.json', '.edasaga/schemas/saga.schema.json'] });
    expect(cli(['validate', '--format', 'json'], { cwd: dir }).code).toBe(0);
  });

  it.each([
    [['init', '--template', 'nope'], 'Expected --template=nope to be one of: order-system, minimal'],
    [['init', 'a', 'b'], 'Unexpected argument: b'],
  ])('exits 2 for usage errors: %j', (args, text) => {
    const r = cli(args, { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(text);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('exits 2 when the target is a file', () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'x');
    const r = cli(['init', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_NOT_A_DIRECTORY');
  });
});
