// The commands as users run them (the built CLI): where export writes, --check's exit codes,
// --format, --out -, a bad --service; import's arguments.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../e2e/helpers.js';
import { REPO, templateCatalog } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'edasaga-asyncapi-cli-'));
beforeAll(() => assertBuilt());
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], cwd = work) {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('edasaga export asyncapi / import asyncapi (built CLI)', () => {
  it('writes beside the catalog by default, and --check tells fresh from stale (0/1)', () => {
    writeFileSync(join(work, 'catalog.yaml'), readFileSync(templateCatalog('minimal'), 'utf8'));
    expect(cli(['export', 'asyncapi', '--check']).code).toBe(1); // missing
    const written = cli(['export', 'asyncapi']);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toContain('wrote asyncapi.yaml: AsyncAPI 3.0.0, 1 messages');
    expect(cli(['export', 'asyncapi', '--check']).code).toBe(0);
    writeFileSync(join(work, 'asyncapi.yaml'), `${readFileSync(join(work, 'asyncapi.yaml'), 'utf8')}# edited\n`);
    const stale = cli(['export', 'asyncapi', '--check']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('asyncapi.yaml is stale');
  });

  it('--out file.json writes JSON, --out - writes to stdout, --format overrides', () => {
    expect(cli(['export', 'asyncapi', '--out', 'api.json']).code).toBe(0);
    expect(JSON.parse(readFileSync(join(work, 'api.json'), 'utf8')).asyncapi).toBe('3.0.0');
    const stdout = cli(['export', 'asyncapi', '--out', '-', '--format', 'json']);
    expect(JSON.parse(stdout.stdout).info.title).toBe('minimal');
  });

  it('a service the catalog does not have is a usage error with a suggestion (2)', () => {
    const r = cli(['export', 'asyncapi', '--service', 'greeterr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('E_UNKNOWN_SERVICE');
    expect(r.stderr).toContain('did you mean "greeter"?');
  });

  it('import asyncapi reads what export wrote, and refuses to replace the catalog', () => {
    const refused = cli(['import', 'asyncapi', 'asyncapi.yaml']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_FILE_EXISTS');
    const imported = cli(['import', 'asyncapi', 'asyncapi.yaml', '--out', 'again.yaml']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(cli(['validate', '--catalog', 'again.yaml']).code).toBe(0);
    expect(cli(['import', 'asyncapi']).code).toBe(2); // missing SPEC: usage error
  });
});
