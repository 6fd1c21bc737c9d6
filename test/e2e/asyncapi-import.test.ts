// From an AsyncAPI document to a project that compiles: `import asyncapi` (3.0 with request/reply
// and a schema file beside it) -> `generate` -> strict `tsc`, all through the built CLI. (The 2.6
// reader is covered by test/asyncapi; one compile is enough here, it costs ~10 s.)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, describeRun, projectDir, removeProject, REPO, run } from './helpers.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const fixtures = join(import.meta.dirname, '..', 'asyncapi', 'fixtures');
const cli = join(REPO, 'bin', 'run.js');
const dirs: string[] = [];
beforeAll(() => assertBuilt());
afterAll(() => dirs.forEach(removeProject));

describe('a project generated from an imported AsyncAPI document', () => {
  it('compiles under strict tsc', async () => {
    for (const spec of ['bookings-3.0']) {
      const dir = projectDir(`asyncapi-${spec}`);
      dirs.push(dir);
      mkdirSync(dir, { recursive: true });
      const imported = await run(process.execPath, [cli, 'import', 'asyncapi', join(fixtures, spec, 'asyncapi.yaml')], { cwd: dir, timeoutMs: 60_000 });
      expect(imported.code, describeRun(imported)).toBe(0);
      expect(imported.stdout).toMatch(/^wrote catalog\.yaml: /);
      const generated = await run(process.execPath, [cli, 'generate'], { cwd: dir, timeoutMs: 120_000 });
      expect(generated.code, describeRun(generated)).toBe(0);
      const typecheck = await run(npm, ['run', 'typecheck'], { cwd: dir, timeoutMs: 180_000 });
      expect(typecheck.code, describeRun(typecheck)).toBe(0);
    }
  }, 300_000);
});
