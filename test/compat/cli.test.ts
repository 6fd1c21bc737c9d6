// The built CLI as users run it: `node bin/run.js check-compat ...` in a child process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const built = existsSync(join(repoRoot, 'dist', 'commands', 'check-compat.js')) && existsSync(join(repoRoot, 'dist', 'cli', 'run-check-compat.js'));
const inCi = process.env['CI'] === 'true';
if (!built && !inCi) console.log('check-compat CLI test: NOT RUN - no build (run `npm run build` first; `npm test` does)');

function cli(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'run.js'), 'check-compat', ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('node bin/run.js check-compat', () => {
  it.runIf(inCi && !built)('is built in CI', () => {
    expect.fail('dist/ is missing: CI runs `npm run build` before the tests');
  });

  describe.skipIf(!built)('built CLI', () => {
    const catalog = join(repoRoot, 'examples', 'order-system', 'catalog.yaml');
    it('the example catalog is compatible: exit 0 and a summary', () => {
      const r = cli(['--catalog', catalog]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^check-compat: compatible \(1 schema pair checked, policy instance\)/m);
    });
    it('FULL mode finds the forward breaks: exit 1, json', () => {
      const r = cli(['--catalog', catalog, '--mode', 'FULL', '--format', 'json']);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.out) as { compatible: boolean; findings: { rule: string; line: number; column: number; file: string }[] };
      expect(json.compatible).toBe(false);
      expect(json.findings.map((f) => f.rule)).toEqual(['PROPERTY_REMOVED_FROM_CLOSED_MODEL', 'PROPERTY_REMOVED_FROM_CLOSED_MODEL']);
      expect(json.findings[0]?.file).toBe('examples/order-system/catalog.yaml');
    });
    it('standalone --old/--new with --policy strict', () => {
      const dir = mkdtempSync(join(tmpdir(), 'compat-cli-'));
      writeFileSync(join(dir, 'v1.json'), JSON.stringify({ type: 'object', properties: { a: { type: 'string' } } }));
      writeFileSync(join(dir, 'v2.json'), JSON.stringify({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } }));
      expect(cli(['--old', 'v1.json', '--new', 'v2.json'], dir).code).toBe(0);
      const strict = cli(['--old', 'v1.json', '--new', 'v2.json', '--policy', 'strict', '--format', 'github'], dir);
      expect(strict.code).toBe(1);
      expect(strict.out).toMatch(/^::error file=v2\.json,line=1,col=\d+,title=OPTIONAL_PROPERTY_ADDED_TO_OPEN_MODEL::/);
    });
    it('bad usage and unreadable input exit 2 without a stack trace', () => {
      const bad = cli(['--catalog', catalog, '--mode', 'SIDEWAYS']);
      expect(bad.code).toBe(2);
      expect(bad.err).not.toMatch(/\n\s+at /);
      const missing = cli(['--catalog', '/nonexistent/catalog.yaml']);
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/E_FILE_NOT_FOUND/);
      expect(missing.err).not.toMatch(/\n\s+at /);
    });
  });
});
