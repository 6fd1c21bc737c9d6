// bin/dev.js must run the TypeScript sources, not whatever dist/ holds: run it from a copy of the
// sources that has no dist/ at all (inside the repo, so node_modules resolves from the parent).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
mkdirSync(join(repo, '.tmp'), { recursive: true });
const copy = mkdtempSync(join(repo, '.tmp', 'dev-bin-'));
for (const entry of ['bin', 'src', 'schemas', 'examples', 'templates', 'package.json', 'tsconfig.json']) {
  cpSync(join(repo, entry), join(copy, entry), { recursive: true });
}
afterAll(() => rmSync(copy, { recursive: true, force: true }));

function dev(...args: string[]) {
  return spawnSync(process.execPath, [join(copy, 'bin', 'dev.js'), ...args], { cwd: copy, encoding: 'utf8', timeout: 60_000 });
}

describe('bin/dev.js without a build', () => {
  it('lists every command', () => {
    const run = dev('--help');
    expect(run.status).toBe(0);
    for (const command of ['init', 'validate', 'generate', 'check-compat']) expect(run.stdout).toContain(command);
  });

  it('validates the example from the sources', () => {
    const run = dev('validate', '--catalog', 'examples/order-system/catalog.yaml');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('is valid');
  });

  it('reports a usage error with exit 2 and no stack trace', () => {
    const run = dev('validate', '--no-such-flag');
    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
