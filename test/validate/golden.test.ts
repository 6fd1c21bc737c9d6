// Golden tests of error messages: each folder under fixtures/ is a project (catalog.yaml and maybe
// sagas/); expected.txt beside it holds the exact exit code and text report, positions included.
// Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/load.js';
import { renderDiagnostics } from '../../src/cli/render.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';

const fixtures = join(import.meta.dirname, '../fixtures');
const update = process.env['UPDATE_GOLDEN'] === '1';

async function report(dir: string, format: 'text' | 'json'): Promise<string> {
  const result = await loadProject({ catalogPath: join(dir, 'catalog.yaml') });
  const rendered = renderDiagnostics(result.diagnostics, { format, color: false, cwd: dir, sources: result.sources });
  return `exit ${exitCodeFor(result.diagnostics)}\n${rendered}`;
}

describe('golden error reports', () => {
  const cases = readdirSync(fixtures, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

  it('has the fixture set', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(fixtures, name);
      const expectedFile = join(dir, 'expected.txt');
      const actual = await report(dir, 'text');
      if (update || !existsSync(expectedFile)) {
        writeFileSync(expectedFile, actual);
        if (!update) throw new Error(`wrote missing ${expectedFile}; review it and run again`);
      }
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }

  it('json report of typo-property', async () => {
    const dir = join(fixtures, 'typo-property');
    const expectedFile = join(dir, 'expected.json');
    const actual = await report(dir, 'json');
    if (update) writeFileSync(expectedFile, actual);
    expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
  });
});
