// `edasaga generate` as a child process: flags, output, exit codes.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO } from './helpers/workspace.js';

const exec = promisify(execFile);
const RUNNER = join(REPO, 'test/generate/helpers/run-generate.mts');

async function cli(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // Run from the repository (tsx resolves from there); relative paths in args are relative to `cwd`.
    const absolute = args.map((a) => (/\.yaml$|^elsewhere$/.test(a) ? join(cwd, a) : a));
    const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', RUNNER, ...absolute], { cwd: REPO, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('edasaga generate (command)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'edasaga-cmd-'));
    // Only the catalog and sagas: the example's own user code is not what these tests are about.
    cpSync(join(REPO, 'examples/order-system/catalog.yaml'), join(dir, 'catalog.yaml'));
    cpSync(join(REPO, 'examples/order-system/sagas'), join(dir, 'sagas'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates beside the catalog by default, then --check is clean', async () => {
    const first = await cli(['--catalog', 'catalog.yaml'], dir);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created src/generated/messages/order-created.ts');
    expect(first.stdout).toContain('created src/services/notification/handlers.ts [yours]');
    const check = await cli(['--catalog', 'catalog.yaml', '--check'], dir);
    expect(check).toMatchObject({ code: 0 });
    expect(check.stdout).toContain('generated code is up to date');
  });

  it('--check exits 1 on a stale or hand-edited output, --dry-run lists, --force repairs', async () => {
    await cli(['--catalog', 'catalog.yaml'], dir);
    writeFileSync(join(dir, 'src/generated/registry.ts'), '// gone\n');
    const check = await cli(['--catalog', 'catalog.yaml', '--check'], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('edited src/generated/registry.ts: was edited by hand');
    const dry = await cli(['--catalog', 'catalog.yaml', '--dry-run', '--format', 'json'], dir);
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.stdout)).toMatchObject({ stale: true, conflicts: [{ path: 'src/generated/registry.ts', reason: 'edited' }] });
    const forced = await cli(['--catalog', 'catalog.yaml', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('updated src/generated/registry.ts');
    expect((await cli(['--catalog', 'catalog.yaml', '--check'], dir)).code).toBe(0);
  });

  it('writes to --out', async () => {
    const result = await cli(['--catalog', 'catalog.yaml', '--out', 'elsewhere'], dir);
    expect(result.code).toBe(0);
    expect((await cli(['--catalog', 'catalog.yaml', '--out', 'elsewhere', '--check'], dir)).code).toBe(0);
    expect((await cli(['--catalog', 'catalog.yaml', '--check'], dir)).code).toBe(1);
  });

  it('reports an invalid catalog with located diagnostics and exit 2, writing nothing', async () => {
    writeFileSync(
      join(dir, 'catalog.yaml'),
      'edasaga: 1\ncatalog:\n  name: x\n  namespace: com.example.x\nservices:\n  a: {}\nmessages:\n  Foo:\n    kind: event\n    service: nobody\n    topic: t\n    key: id\n    versions:\n      1:\n        payload: { type: object, required: [id], properties: { id: { type: string } } }\n',
    );
    const result = await cli(['--catalog', 'catalog.yaml'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/catalog\.yaml:10:\d+: error E_[A-Z_]+: .*nobody/);
    expect(result.stdout).toBe('');
  });

  it('a usage error is one line and exit 2', async () => {
    const result = await cli(['--nope'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
  });
});
