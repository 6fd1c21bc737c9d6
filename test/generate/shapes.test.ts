// A catalog with every schema shape (draft-07, nested objects in arrays, unions, nullables, maps,
// consts, an optional ordering key, no shared definitions) generates code that compiles and validates.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { loadForGenerate } from '../../src/generate/load.js';
import type { Project } from '../../src/model/types.js';
import { makeWorkspace, removeWorkspace, runTs, typecheck } from './helpers/workspace.js';

describe('schema shapes', () => {
  let dir: string;
  beforeAll(async () => {
    dir = makeWorkspace();
    const loaded = await loadForGenerate(join(import.meta.dirname, 'fixtures/shapes-catalog.yaml'), []);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const outcome = await generate(loaded.project as Project, { outDir: dir, emitters: [], ...(loaded.bundle ? { bundle: loaded.bundle } : {}) });
    expect(outcome.exitCode).toBe(0);
  });
  afterAll(() => removeWorkspace(dir));

  it('compiles and behaves', async () => {
    writeFileSync(
      join(dir, 'src/probe.ts'),
      `import { Shaped, Unkeyed, decodeStructured, toStructured, type ShapedV1 } from './generated/index.js';
const ok: ShapedV1 = { id: 7, kind: 'a', lines: [{ sku: 's', tags: ['x'] }], maybe: null, choice: { iban: 'DE00' }, either: true, meta: { k: 'v' }, when: '2024-01-01T00:00:00Z', fixed: 42 };
const event = Shaped.envelope(ok);
const back = decodeStructured(toStructured(event));
const bad = Shaped.validate({ id: 1.5, kind: 'c', lines: [{}], when: 'yesterday', fixed: 41 });
const unkeyed = Unkeyed.envelope({}, { subject: 'given' });
process.stdout.write(JSON.stringify({ subject: event.subject, same: JSON.stringify(back.data) === JSON.stringify(ok), bad: bad.ok ? [] : bad.errors.map((e) => e.field).sort(), unkeyed: unkeyed.subject }));
`,
    );
    expect(await typecheck(dir)).toBe('');
    const out = JSON.parse(await runTs(dir, 'src/probe.ts'));
    expect(out).toEqual({ subject: '7', same: true, bad: ['fixed', 'id', 'kind', 'lines[0].sku', 'when'], unkeyed: 'given' });
  });
});
