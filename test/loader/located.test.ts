// Every error the loader reports about a file's content is located (issue 15, items 4 and 6), and
// the fast and careful YAML paths agree on the inputs where they used to differ.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../src/loader/parse-yaml.js';
import { readSourceFile } from '../../src/loader/read-source.js';
import { MAX_NESTING_DEPTH } from '../../src/loader/limits.js';
import { loadProject } from '../../src/project/load.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'edasaga-located-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function both<T>(fn: () => T): { fast: T; careful: T } {
  const fast = fn();
  process.env['EDASAGA_CAREFUL_YAML'] = '1';
  try {
    return { fast, careful: fn() };
  } finally {
    delete process.env['EDASAGA_CAREFUL_YAML'];
  }
}

const brief = (d: { code: string; line?: number; col?: number }) => `${d.code}@${d.line}:${d.col}`;

describe('E_BINARY_FILE says where the first offending byte is', () => {
  const read = (name: string, bytes: Buffer) => {
    const file = join(work, name);
    writeFileSync(file, bytes);
    const result = readSourceFile(file, 'catalog');
    if (result.ok) throw new Error('expected the file to be refused');
    return result.diagnostic;
  };

  it('a NUL byte', () => {
    const d = read('nul.yaml', Buffer.concat([Buffer.from('edasaga: 1\ncatalog:\n  na'), Buffer.from([0]), Buffer.from('me: x\n')]));
    expect(d).toMatchObject({ code: 'E_BINARY_FILE', line: 3, col: 5 });
    expect(d.message).toContain('NUL');
  });

  it('invalid UTF-8, counting columns in characters after multi-byte ones and a real U+FFFD', () => {
    const d = read('latin1.yaml', Buffer.concat([Buffer.from('edasaga: 1\n# é � ok\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    expect(d).toMatchObject({ code: 'E_BINARY_FILE', line: 3, col: 10 });
    expect(d.message).toContain('not valid UTF-8');
  });

  it('whichever comes first, after a BOM', () => {
    const d = read('both.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: '), Buffer.from([0xc3]), Buffer.from('\nb: '), Buffer.from([0])]));
    expect(d).toMatchObject({ line: 1, col: 4 });
    expect(d.message).toContain('not valid UTF-8');
  });

  it('a NUL in text that arrived as a string', () => {
    expect(parseYamlSource('/f.yaml', 'a: 1\nb: "\u0000"\n').diagnostics.map(brief)).toEqual(['E_BINARY_FILE@2:5']);
  });
});

describe('errors only the careful path finds are located', () => {
  it('a merge key whose anchor comes later', () => {
    const text = 'a:\n  <<: *later\n  x: 1\nb: &later\n  y: 2\n';
    const { fast, careful } = both(() => parseYamlSource('/f.yaml', text).diagnostics.map(brief));
    expect(careful).toEqual(['E_YAML_SYNTAX@2:7']);
    expect(fast).toEqual(careful);
  });

  it('an empty saga file (sagas/empty.yml)', async () => {
    const dir = join(work, 'empty-saga');
    mkdirSync(join(dir, 'sagas'), { recursive: true });
    writeFileSync(join(dir, 'catalog.yaml'), readFileSync(join(ROOT, 'examples/order-system/catalog.yaml')));
    writeFileSync(join(dir, 'sagas/empty.yml'), '# nothing yet\n');
    const result = await loadProject({ catalogPath: join(dir, 'catalog.yaml') });
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'E_EMPTY_FILE', file: join(dir, 'sagas/empty.yml'), line: 1, col: 1 })]);
  });
});

describe('the fast and careful paths agree', () => {
  const example = readFileSync(join(ROOT, 'examples/order-system/catalog.yaml'), 'utf8');

  it('on a catalog with CR-only line ends: valid, like the same catalog with LF', async () => {
    const file = join(work, 'cr/catalog.yaml');
    mkdirSync(join(work, 'cr'), { recursive: true });
    writeFileSync(file, example.replace(/\n/g, '\r'));
    const { fast, careful } = both(() => loadProject({ catalogPath: file, sagaPaths: [] }));
    expect((await careful).diagnostics).toEqual([]);
    expect((await fast).diagnostics).toEqual([]);
    expect((await fast).project!.catalog.messages.map((m) => m.name)).toEqual((await careful).project!.catalog.messages.map((m) => m.name));
  });

  it('on mistakes in such a catalog: the same positions as with LF', async () => {
    const typo = example.replace('    topic: payments\n', '    topc: payments\n');
    mkdirSync(join(work, 'lf'), { recursive: true });
    writeFileSync(join(work, 'lf/catalog.yaml'), typo);
    writeFileSync(join(work, 'cr/catalog.yaml'), typo.replace(/\n/g, '\r'));
    const lf = await loadProject({ catalogPath: join(work, 'lf/catalog.yaml'), sagaPaths: [] });
    const { fast, careful } = both(() => loadProject({ catalogPath: join(work, 'cr/catalog.yaml'), sagaPaths: [] }));
    const positions = (r: Awaited<typeof lf>) => r.diagnostics.map(brief);
    expect(positions(lf)).not.toEqual([]);
    expect(positions(await fast)).toEqual(positions(lf));
    expect(positions(await careful)).toEqual(positions(lf));
  });

  it('on a lone CR inside a quoted string (a line break, then folded)', () => {
    const { fast, careful } = both(() => parseYamlSource('/f.yaml', 'a:\n  "x\r  y"\n'));
    expect(careful.parsed?.value).toEqual({ a: 'x y' });
    expect(fast.parsed?.value).toEqual(careful.parsed?.value);
  });
});

describe('nesting too deep to parse', () => {
  it('about a thousand nested flow mappings: a located error, not an out-of-memory abort', () => {
    const text = `${'{"a":'.repeat(1000)}1${'}'.repeat(1000)}`;
    const { fast, careful } = both(() => parseYamlSource('/deep.json', text).diagnostics.map(brief));
    expect(careful).toEqual([`E_NESTING_TOO_DEEP@1:${5 * MAX_NESTING_DEPTH + 1}`]);
    expect(fast).toEqual(careful);
  });

  it('block nesting deeper than the limit, at the first key too deep', () => {
    const lines = Array.from({ length: MAX_NESTING_DEPTH + 20 }, (_, i) => `${' '.repeat(i)}k:`);
    const { fast, careful } = both(() => parseYamlSource('/deep.yaml', `${lines.join('\n')} 1\n`).diagnostics.map(brief));
    expect(careful).toEqual([`E_NESTING_TOO_DEEP@${MAX_NESTING_DEPTH + 1}:${MAX_NESTING_DEPTH + 1}`]);
    expect(fast).toEqual(careful);
  });

  it('nesting at the limit is read', () => {
    const text = `${'['.repeat(MAX_NESTING_DEPTH)}1${']'.repeat(MAX_NESTING_DEPTH)}`;
    expect(parseYamlSource('/ok.json', `a: ${text}`).diagnostics).toEqual([]);
  });

  it('every command reads through the loader: validate reports it in a catalog', async () => {
    const file = join(work, 'deep-catalog/catalog.yaml');
    mkdirSync(join(work, 'deep-catalog'), { recursive: true });
    writeFileSync(file, `edasaga: 1\ncatalog: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    const result = await loadProject({ catalogPath: file, sagaPaths: [] });
    expect(result.diagnostics.map(brief)).toEqual([`E_NESTING_TOO_DEEP@2:${9 + MAX_NESTING_DEPTH + 1}`]);
  });
});
