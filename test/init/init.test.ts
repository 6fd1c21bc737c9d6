import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initProject } from '../../src/init/init.js';

const root = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'edasaga-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('initProject', () => {
  it('copies the whole template folder (except node_modules and dist) plus the schemas', () => {
    const dir = join(tmp, 'full');
    const r = initProject({ dir, template: 'order-system', force: false });
    expect(r.diagnostics).toEqual([]);
    const template = listFiles(join(root, 'examples/order-system')).filter((f) => !/^(node_modules|dist)\//.test(f));
    expect(r.written.sort()).toEqual([...template, '.edasaga/schemas/catalog.schema.json', '.edasaga/schemas/saga.schema.json'].sort());
    expect(listFiles(dir).sort()).toEqual(r.written.sort());
    // Non-language files are copied byte for byte.
    const others = template.filter((f) => !f.endsWith('.yaml'));
    expect(others.length).toBeGreaterThan(5);
    for (const other of others) expect(readFileSync(join(dir, other)), other).toEqual(readFileSync(join(root, 'examples/order-system', other)));
  });

  it('never copies node_modules or dist from a template', () => {
    const pkg = join(tmp, 'pkg');
    mkdirSync(join(pkg, 'examples/minimal/node_modules/x'), { recursive: true });
    mkdirSync(join(pkg, 'examples/minimal/dist'), { recursive: true });
    mkdirSync(join(pkg, 'schemas'), { recursive: true });
    writeFileSync(join(pkg, 'examples/minimal/catalog.yaml'), 'edasaga: 1\n');
    writeFileSync(join(pkg, 'examples/minimal/node_modules/x/index.js'), '');
    writeFileSync(join(pkg, 'examples/minimal/dist/a.js'), '');
    for (const s of ['catalog', 'saga']) writeFileSync(join(pkg, `schemas/${s}.schema.json`), '{}');
    const r = initProject({ dir: join(tmp, 'from-pkg'), template: 'minimal', force: false, packageRoot: pkg });
    expect(r.written).toEqual(['catalog.yaml', '.edasaga/schemas/catalog.schema.json', '.edasaga/schemas/saga.schema.json']);
  });

  it('reports a write failure as a diagnostic, not an exception', () => {
    const dir = join(tmp, 'blocked');
    mkdirSync(dir);
    writeFileSync(join(dir, 'sagas'), 'a file where a folder is needed');
    const r = initProject({ dir, template: 'order-system', force: true });
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'E_WRITE_FAILED' })]);
  });
});
