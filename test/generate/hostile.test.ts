// Nothing from a catalog can break out of a comment, a string or a template in generated code, or
// name a path outside the output folder.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { loadForGenerate } from '../../src/generate/load.js';
import { planProject } from '../../src/generate/planner.js';
import type { Project } from '../../src/model/types.js';
import { catalogFromObject, loadRaw, EXAMPLE_CATALOG } from './helpers/model.js';
import { makeWorkspace, removeWorkspace, runTs, typecheck } from './helpers/workspace.js';

const HOSTILE = join(import.meta.dirname, 'fixtures/hostile-catalog.yaml');

describe('hostile catalog text', () => {
  let dir: string;

  beforeAll(async () => {
    dir = makeWorkspace();
    const loaded = await loadForGenerate(HOSTILE, []);
    expect(loaded.diagnostics).toEqual([]);
    const outcome = await generate(loaded.project as Project, { outDir: dir, emitters: [], ...(loaded.bundle ? { bundle: loaded.bundle } : {}) });
    expect(outcome.exitCode).toBe(0);
  });
  afterAll(() => removeWorkspace(dir));

  it('generates code that compiles', async () => {
    expect(await typecheck(dir)).toBe('');
  });

  it('keeps every value intact and executes none of it', async () => {
    writeFileSync(
      join(dir, 'src/probe.ts'),
      `import { Evil, type Evil as EvilPayload } from './generated/index.js';
const moods: EvilPayload['mood'][] = ['a"b', "c'd", '\`e\`', '\${f}', '*/', 'g\\\\h'];
const results = moods.map((mood) => Evil.validate({ id: 'x', mood, choice: '*/' }).ok);
const rejected = Evil.validate({ id: 'x', mood: 'nope' });
process.stdout.write(JSON.stringify({ results, rejected, topic: Evil.topic, pwned: (globalThis as Record<string, unknown>)['pwned'] ?? null }));
`,
    );
    expect(await typecheck(dir)).toBe('');
    const probe = JSON.parse(await runTs(dir, 'src/probe.ts'));
    expect(probe.results).toEqual([true, true, true, true, true, true]);
    expect(probe.rejected.ok).toBe(false);
    expect(probe.rejected.errors[0]).toMatchObject({ field: 'mood', keyword: 'enum' });
    expect(probe.topic).toBe('evil-topic');
    expect(probe.pwned).toBeNull();
  });

  it('escapes comment terminators in documentation', async () => {
    const plan = planProject((await loadForGenerate(HOSTILE, [])).project as Project, { emitters: [] });
    for (const file of plan.files) {
      // Every `*/` in a file either closes a comment opened on its own line or is escaped/quoted.
      for (const line of file.content.split('\n')) {
        if (line.trim().startsWith('*') || line.trim().startsWith('/**')) {
          expect(line.replace(/\*\/$/, '')).not.toContain('*/');
        }
      }
    }
    const message = plan.files.find((f) => f.path === 'src/generated/messages/evil.ts')?.content ?? '';
    expect(message).toContain('Evil *\\/ `${globalThis.pwned = 1}`');
    expect(message).toContain('readonly mood: "a\\"b" | "c\'d" | "`e`" | "${f}" | "*/" | "g\\\\h";');
  });
});

describe('names and paths', () => {
  function withMessage(name: string, service = 'order'): Project {
    const raw = loadRaw();
    raw['messages'][name] = { ...raw['messages'].OrderConfirmed, service };
    return { catalog: catalogFromObject(raw, EXAMPLE_CATALOG), sagas: [] };
  }

  it.each(['../../Evil', 'Evil/Path', 'Evil*/', 'class', 'Évil', 'Evil Name'])('refuses message name %j', (name) => {
    const plan = planProject(withMessage(name));
    expect(plan.files).toEqual([]);
    expect(plan.diagnostics).toEqual([expect.objectContaining({ code: 'E_GENERATE_NAME', severity: 'error' })]);
  });

  it.each(['../x', 'a/b', 'UPPER', ''])('refuses service name %j', (service) => {
    const plan = planProject(withMessage('Fine', service));
    expect(plan.files).toEqual([]);
    expect(plan.diagnostics.map((d) => d.code)).toContain('E_GENERATE_NAME');
  });

  it('turns a schema ajv cannot compile into a diagnostic, not a stack trace', () => {
    const raw = loadRaw();
    raw['messages'].OrderConfirmed.versions[1].payload.properties.customerId = { type: 'string', pattern: '(' };
    const plan = planProject({ catalog: catalogFromObject(raw, EXAMPLE_CATALOG), sagas: [] }, { emitters: [] });
    expect(plan.diagnostics).toEqual([expect.objectContaining({ code: 'E_GENERATE_SCHEMA', severity: 'error' })]);
    expect(plan.diagnostics[0]?.message).toContain('cannot compile a validator for OrderConfirmed');
  });

  it('refuses a plan path outside the output folder from any emitter', () => {
    const raw = loadRaw();
    const plan = planProject({ catalog: catalogFromObject(raw, EXAMPLE_CATALOG), sagas: [] }, {
      emitters: [() => [{ path: '../outside.ts', ownership: 'generated', content: '' }, { path: 'src/ok.ts', ownership: 'user', content: '' }]],
    });
    expect(plan.diagnostics).toEqual([expect.objectContaining({ code: 'E_GENERATE_PATH' })]);
    expect(plan.files.map((f) => f.path)).toContain('src/ok.ts');
    expect(plan.files.map((f) => f.path)).not.toContain('../outside.ts');
  });
});
