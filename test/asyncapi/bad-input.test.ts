// Bad input to `import asyncapi`: a clear located error, exit 2, nothing written, never a stack
// trace, whatever the document is (not AsyncAPI, 1.x, broken YAML, a $ref leaving its folder or
// the machine, too big, too deep).
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImportCommand } from '../../src/cli/run-import-asyncapi.js';
import { capture, FIXTURES } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'edasaga-asyncapi-bad-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const bad = (name: string) => join(FIXTURES, 'bad', name);

async function importFails(spec: string, code: string, located: RegExp) {
  const out = join(work, `${code}-${Math.random().toString(36).slice(2)}.yaml`);
  const run = await capture((o) => runImportCommand({ spec, out, force: false, format: 'text', color: false }, o));
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).toContain(code);
  expect(run.stderr).toMatch(located);
  expect(run.stderr).toContain('nothing written');
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack frames
  expect(existsSync(out)).toBe(false);
  return run.stderr;
}

describe('import asyncapi: bad input', () => {
  it('an OpenAPI document', async () => {
    const err = await importFails(bad('openapi.yaml'), 'E_ASYNCAPI_NOT_ASYNCAPI', /openapi\.yaml:1:1: error/);
    expect(err).toContain('this is an OpenAPI document');
  });

  it('AsyncAPI 1.x', async () => {
    const err = await importFails(bad('v1.yaml'), 'E_ASYNCAPI_VERSION', /v1\.yaml:1:11: error/);
    expect(err).toContain('asyncapi convert');
  });

  it('broken YAML', () => importFails(bad('broken.yaml'), 'E_YAML_SYNTAX', /broken\.yaml:3:10: error/));

  it("a $ref that leaves the document's folder", () => importFails(join(FIXTURES, 'bad', 'outside', 'inner', 'escaping.yaml'), 'E_REF_OUTSIDE_PROJECT', /escaping\.yaml:9:11: error/));

  it('a link beside the document that leads out of its folder', async () => {
    const dir = mkdtempSync(join(work, 'link-'));
    symlinkSync(join(FIXTURES, 'bad', 'outside', 'secret.yaml'), join(dir, 'secret.yaml'));
    writeFileSync(join(dir, 'a.yaml'), "asyncapi: 3.0.0\ninfo: { title: t, version: '1' }\nchannels:\n  c:\n    messages:\n      M:\n        payload: { $ref: './secret.yaml' }\n");
    const err = await importFails(join(dir, 'a.yaml'), 'E_UNRESOLVED_REF', /a\.yaml:7:20: error/);
    expect(err).toContain('outside the folder of the document');
  });

  it('a $ref to the network', () => importFails(bad('remote.yaml'), 'E_REMOTE_REF', /remote\.yaml:9:11: error/));

  it('an enormous document', async () => {
    const file = join(work, 'huge.yaml');
    writeFileSync(file, `asyncapi: 3.0.0\ninfo: { title: t, version: '1' }\nx-padding: "${'x'.repeat(6 * 1024 * 1024)}"\n`);
    await importFails(file, 'E_FILE_TOO_LARGE', /huge\.yaml: error/);
  });

  it('nesting too deep to walk (in flow style, and in block style)', async () => {
    const flow = join(work, 'deep.json');
    writeFileSync(flow, `{"asyncapi": "3.0.0", "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`);
    await importFails(flow, 'E_NESTING_TOO_DEEP', /deep\.json:1:\d+: error/);
    const block = join(work, 'deep.yaml');
    writeFileSync(block, `asyncapi: 3.0.0\nx:\n${Array.from({ length: 150 }, (_, i) => `${' '.repeat(i + 1)}a:`).join('\n')} 1\n`);
    await importFails(block, 'E_NESTING_TOO_DEEP', /deep\.yaml:\d+:\d+: error/);
  });

  it('a missing file, and a structure that is not what AsyncAPI says', async () => {
    await importFails(join(work, 'nope.yaml'), 'E_FILE_NOT_FOUND', /nope\.yaml: error/);
    const file = join(work, 'wrong.yaml');
    writeFileSync(file, "asyncapi: 3.0.0\ninfo: { title: t, version: '1' }\nchannels: [a, b]\n");
    await importFails(file, 'E_ASYNCAPI_INVALID', /wrong\.yaml:3:1: error/);
  });
});
