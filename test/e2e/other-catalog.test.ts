// Any catalog, not only the order system: a project generated from a different catalog (travel:
// hotel + flight saga, a subscriber) compiles under the strict tsconfig, starts, serves its API, and
// where the user has not written code yet (a saga builder field with no match by name) it fails
// loudly with "not implemented" (dead-lettered), instead of doing something silently wrong.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/load.js';
import { generate } from '../../src/generate/index.js';
import { describeRun, projectDir, removeProject, run } from './helpers.js';

const dir = projectDir('travel');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('a project generated from another catalog', () => {
  beforeAll(async () => {
    cpSync(join(import.meta.dirname, 'fixtures', 'travel'), dir, { recursive: true });
    const loaded = await loadProject({ catalogPath: join(dir, 'catalog.yaml') });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const outcome = await generate(loaded.project!, { outDir: dir });
    expect(outcome.exitCode).toBe(0);
  }, 60_000);
  afterAll(() => removeProject(dir));

  it('compiles under strict tsc and passes its generated test', async () => {
    const typecheck = await run(npm, ['run', 'typecheck'], { cwd: dir, timeoutMs: 180_000 });
    expect(typecheck.code, describeRun(typecheck)).toBe(0);
    const test = await run(npm, ['test'], { cwd: dir, timeoutMs: 120_000, env: { NO_COLOR: '1' } });
    expect(test.code, describeRun(test)).toBe(0);
  }, 300_000);

  it('accepts a trip over HTTP and dead-letters the saga step whose builder is still a todo', async () => {
    writeFileSync(
      join(dir, 'probe.ts'),
      `import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSystem } from './src/generated/app/system.js';
import { loadConfig } from './src/generated/app/config.js';

const system = await startSystem({ config: { ...loadConfig({}), dataDir: mkdtempSync(join(tmpdir(), 'travel-')) }, env: {}, logger: 'silent', http: { port: 0 }, consumer: { maxAttempts: 2, backoff: { initialMs: 10, multiplier: 1, maxMs: 10 } } });
try {
  const bad = await fetch(system.http!.url + '/trips', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traveller: 'ann', nights: 0 }) });
  const badBody = await bad.json();
  const placed = await fetch(system.http!.url + '/trips', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ traveller: 'ann', nights: 2 }) });
  const body = (await placed.json()) as { tripId: string; status: string };
  let dead: Record<string, unknown>[] = [];
  for (const deadline = Date.now() + 30_000; dead.length === 0 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 25));
    dead = await system.service('trip').db.transaction((tx) => tx.query('SELECT type, error FROM edasaga_dead_letters'));
  }
  const view = await (await fetch(system.http!.url + '/trips/' + body.tripId)).json();
  console.log(JSON.stringify({ bad: { status: bad.status, body: badBody }, placed: { status: placed.status, body }, dead, view }));
} finally {
  await system.stop();
}
`,
    );
    const probe = await run(process.execPath, ['--import', 'tsx', 'probe.ts'], { cwd: dir, timeoutMs: 60_000 });
    expect(probe.code, describeRun(probe)).toBe(0);
    const result = JSON.parse(probe.stdout.trim().split('\n').pop()!) as {
      bad: { status: number; body: { field: string } };
      placed: { status: number; body: { status: string } };
      dead: { type: string; error: string }[];
      view: { status: string };
    };
    expect(result.bad.status).toBe(400);
    expect(result.bad.body.field).toBe('nights');
    expect(result.placed).toMatchObject({ status: 202, body: { status: 'PENDING' } });
    expect(result.dead).toHaveLength(1);
    expect(result.dead[0]!.type).toBe('com.example.travel.TripRequested');
    expect(result.dead[0]!.error).toContain('not implemented: TripSaga: BookRoom.guest');
    expect(result.view.status).toBe('PENDING');
  }, 90_000);
});

describe('a project generated from the minimal template (no saga, nothing consumed)', () => {
  const minimal = projectDir('minimal');
  beforeAll(async () => {
    cpSync(join(import.meta.dirname, '..', '..', 'examples', 'minimal'), minimal, { recursive: true });
    const loaded = await loadProject({ catalogPath: join(minimal, 'catalog.yaml') });
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect((await generate(loaded.project!, { outDir: minimal })).exitCode).toBe(0);
  }, 60_000);
  afterAll(() => removeProject(minimal));

  it('compiles under strict tsc, passes its generated test, and its demo says there is nothing to show', async () => {
    const typecheck = await run(npm, ['run', 'typecheck'], { cwd: minimal, timeoutMs: 180_000 });
    expect(typecheck.code, describeRun(typecheck)).toBe(0);
    const test = await run(npm, ['test'], { cwd: minimal, timeoutMs: 120_000, env: { NO_COLOR: '1' } });
    expect(test.code, describeRun(test)).toBe(0);
    const demo = await run(npm, ['run', 'demo'], { cwd: minimal, timeoutMs: 60_000 });
    expect(demo.code, describeRun(demo)).toBe(0);
    expect(demo.stdout).toContain('no saga that starts over HTTP');
  }, 300_000);
});
