// The fast YAML path (js-yaml + lazily located positions) must be indistinguishable from the
// careful one (`yaml`'s syntax tree): same data, same model, same diagnostics, same positions.
// Checked on every fixture, the examples, a big generated catalog (so positions come from
// regions, see src/loader/region-locator.ts) and generated documents (fast-check).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { LazyTreeSource, parseYamlSource } from '../../src/loader/parse-yaml.js';
import { fastParse } from '../../src/loader/fast-parse.js';
import { SourceIndex } from '../../src/loader/source-index.js';
import { toPointer } from '../../src/loader/json-pointer.js';
import { loadProject } from '../../src/project/load.js';

const root = join(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, '../fixtures');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : yamlFiles(p);
    return /\.(ya?ml|json)$/.test(e.name) ? [p] : [];
  });
}

const inputFiles = [...yamlFiles(fixtures), ...yamlFiles(join(root, 'examples')).filter((f) => !f.includes('/src/'))].sort();

async function carefully<T>(fn: () => Promise<T> | T): Promise<T> {
  const before = process.env['EDASAGA_CAREFUL_YAML'];
  process.env['EDASAGA_CAREFUL_YAML'] = '1';
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['EDASAGA_CAREFUL_YAML'];
    else process.env['EDASAGA_CAREFUL_YAML'] = before;
  }
}

function carefulParse(file: string, text: string): ReturnType<typeof parseYamlSource> {
  const before = process.env['EDASAGA_CAREFUL_YAML'];
  process.env['EDASAGA_CAREFUL_YAML'] = '1';
  try {
    return parseYamlSource(file, text);
  } finally {
    if (before === undefined) delete process.env['EDASAGA_CAREFUL_YAML'];
    else process.env['EDASAGA_CAREFUL_YAML'] = before;
  }
}

/** Every place in the data, as a JSON pointer (the root too). */
function pointers(value: unknown, prefix: (string | number)[] = []): string[] {
  const here = [toPointer(prefix)];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => pointers(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([k, v]) => pointers(v, [...prefix, k]))];
  }
  return here;
}

/** Both parses agree on data and diagnostics; when both have data, on every position too. */
function expectSameParse(file: string, text: string, regionBytes?: number): { fast: boolean } {
  const fast = parseYamlSource(file, text);
  const careful = carefulParse(file, text);
  expect(fast.diagnostics).toEqual(careful.diagnostics);
  expect(fast.parsed?.value).toEqual(careful.parsed?.value);
  if (fast.parsed && careful.parsed) {
    const a = new SourceIndex(regionBytes === undefined ? {} : { smallRegionBytes: regionBytes });
    const b = new SourceIndex();
    a.add(fast.parsed);
    b.add(careful.parsed);
    const all = pointers(careful.parsed.value);
    for (const p of [...all, ...all.slice(1).map((x) => x + '/missing'), '/nope/deeper']) {
      expect([p, a.span(file, p, 'key')]).toEqual([p, b.span(file, p, 'key')]);
      expect([p, a.span(file, p, 'value')]).toEqual([p, b.span(file, p, 'value')]);
    }
  }
  return { fast: fast.parsed instanceof LazyTreeSource };
}

describe('fast and careful YAML paths agree', () => {
  it('finds the inputs', () => {
    expect(inputFiles.length).toBeGreaterThan(25);
  });

  it.each(inputFiles.map((f) => [f.slice(root.length + 1), f]))('on %s (data, diagnostics, every position)', (_, file) => {
    const text = readFileSync(file, 'utf8');
    expectSameParse(file, text);
    expectSameParse(file, text, 0);
    expectSameParse(file, text.replace(/\n/g, '\r\n'), 0);
  });

  it('takes the fast path for the examples and the valid fixture', () => {
    for (const f of [join(root, 'examples/order-system/catalog.yaml'), join(fixtures, 'valid/catalog.yaml'), ...yamlFiles(join(root, 'examples/order-system/sagas'))]) {
      expect(parseYamlSource(f, readFileSync(f, 'utf8')).parsed, f).toBeInstanceOf(LazyTreeSource);
    }
  });

  it.each(readdirSync(fixtures).filter((d) => statSync(join(fixtures, d)).isDirectory()))('loads fixture %s to the same model and diagnostics', async (name) => {
    const catalogPath = join(fixtures, name, 'catalog.yaml');
    const fast = await loadProject({ catalogPath });
    const careful = await carefully(() => loadProject({ catalogPath }));
    expect(fast.diagnostics).toEqual(careful.diagnostics);
    expect(fast.project).toEqual(careful.project);
  });

  it('loads the examples to the same model (lazy locations included)', async () => {
    for (const ex of ['order-system', 'minimal']) {
      const catalogPath = join(root, 'examples', ex, 'catalog.yaml');
      const fast = await loadProject({ catalogPath });
      const careful = await carefully(() => loadProject({ catalogPath }));
      expect(fast.diagnostics).toEqual(careful.diagnostics);
      expect(fast.project).toBeDefined();
      expect(JSON.parse(JSON.stringify(fast.project))).toEqual(JSON.parse(JSON.stringify(careful.project)));
      expect(fast.project).toEqual(careful.project);
    }
  });

  it('locates in a big catalog from regions, exactly where the whole tree would', () => {
    const text = bigCatalog(40);
    expect(text.length).toBeGreaterThan(40_000);
    expect(expectSameParse('/big/catalog.yaml', text).fast).toBe(true);
    expectSameParse('/big/catalog.yaml', text.replace(/\n/g, '\r\n'));
    const marked = `---\n${text}`;
    expect(expectSameParse('/big/catalog.yaml', marked).fast).toBe(true);
    const index = new SourceIndex();
    const parsed = parseYamlSource('/big/catalog.yaml', marked).parsed!;
    index.add(parsed);
    expect(index.locate('/big/catalog.yaml', '/messages/Msg3/versions/2')).toBeDefined();
    expect((parsed as LazyTreeSource).treeBuilt).toBe(false);
  });

  it('answers a big entry\'s key position from its line alone, without the whole tree', () => {
    const text = bigCatalog(40);
    const parsed = parseYamlSource('/big/catalog.yaml', text).parsed!;
    const index = new SourceIndex();
    index.add(parsed);
    expect(index.locate('/big/catalog.yaml', '/messages')).toEqual({ file: '/big/catalog.yaml', line: text.split('\n').indexOf('messages:') + 1, col: 1 });
    expect(index.locate('/big/catalog.yaml', '/messages/Msg7/versions/2/payload/properties/f2')).toBeDefined();
    expect((parsed as LazyTreeSource).treeBuilt).toBe(false);
  });
});

describe('hostile and unusual input takes the careful path', () => {
  it.each([
    ['anchor and alias', 'a: &x 1\nb: *x\n'],
    ['merge key', 'a: { x: 1 }\nb:\n  <<: { y: 2 }\n'],
    ['merge key in flow', 'b: { "<<": { y: 2 } }\n'],
    ['alias without anchor', 'a: *x\n'],
    ['alias after a flow indicator', 'a: [*x]\n'],
    ['duplicate merge keys', 'a: &a { p: 1 }\nm:\n  <<: *a\n  <<: *a\n'],
    ['tag', 'a: !shell rm\n'],
    ['standard tag', 'a: !!str 1\n'],
    ['duplicate key', 'a: 1\na: 2\n'],
    ['numeric duplicate key', '1: a\n"1": b\n'],
    ['__proto__ key', 'a:\n  __proto__: { polluted: true }\n'],
    ['constructor key', 'constructor: 1\n'],
    ['prototype key in flow', '{ a: { prototype: 1 } }\n'],
    ['complex key', '? [a, b]\n: 1\n'],
    ['flow key', '[a, b]: 1\n'],
    ['null key', '~: 1\n'],
    ['several documents', 'a: 1\n---\nb: 2\n'],
    ['a scalar document', 'true\n'],
    ['a top-level block scalar', ' |\n\n#:\n'],
    ['a start marker, then another', '---\na: 1\n---\nb: 2\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['directive', '%YAML 1.2\n---\na: 1\n'],
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['empty', ''],
    ['comment only', '# nothing\n'],
    ['syntax error', 'a: [1, 2\n'],
    ['long key', `${'k'.repeat(1100)}: 1\n`],
    ['multi-line flow collection', 'a: {type: integer,\n  minimum: 0}\n'],
    ['flow collection continued too little indented', 'k: [\n0, x]\n'],
    ['multi-line quoted', 'b: "x\n  y\\\n  z"\nc: \'p\n\n  q\'\n'],
    ['comment glued to a flow collection', 'k: [a]#c\n'],
    ['comment glued to a quoted scalar', 'k: "a"#c\n'],
    ['comment glued to a comma', 'k: [a,#c\n  b]\n'],
    ['flow collection as a flow mapping key', 'k: { a: 1, [b] }\n'],
    ['flow mapping as a flow mapping key', 'k: { a: 1, {b: 2} }\n'],
    ['collection key in flow without a space', 'k: [{}:u]\n'],
    ['empty sequence entry before a less indented one', 'k:\n  -\n- x\n'],
    ['compact nested empty sequence', '- -\n- x\n'],
    ['escaped line break', 'k: "a\\\n\n b"\n'],
    ['block scalar indentation indicator', 'k: |1\n  a\n'],
    ['line of only spaces', 'k: |\n  a\n   \n  b\n'],
    ['comment less indented between key and value', 'x:\n#c\n 0\ny: 1\n'],
  ])('%s', (_, text) => {
    expect(fastParse(text)).toBeUndefined();
    expectSameParse('x.yaml', text);
  });
});

describe('unusual but plain input takes the fast path and agrees', () => {
  it.each([
    ['double-quoted escapes', 'a: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\0\\a\\b\\e\\f\\v\\/\\ \\t\\"\\\\"\n'],
    ['folded and literal scalars with chomping indicators', 'a: >\n  text\n\n  end\nb: |+\n  keep\n\nc: |-\n  strip\nd: >\n  f\n\n   g\n  h\ne: >-\n  x\n'],
    ['multi-line plain', 'a: one\n  two\n\n  three\nb: c\n'],
    ['comments everywhere', '# top\na: # c\n  b: 1 # d\n# e\n  c: [1, 2] # f\n'],
    ['flow JSON', '{"a": [1, 2.5, true, null, "s"], "b": {"c": {}}}'],
    ['empty values', 'a:\nb: []\nc: {}\nd: ""\ne:\n  - ""\n  - null\n'],
    ['numbers', 'a: [0, -0, +1, 007, 0o17, 0x1F, 1e3, -1.5e-3, .5, 5., .inf, -.Inf, .NaN, 12345678901234567890]\n'],
    ['bools and nulls', 'a: [true, True, TRUE, false, ~, null, Null, NULL, yes, no, on, off, y, n]\n'],
    ['a leading BOM', '\uFEFFa: 1\n'],
    ['unicode', 'ключ: значение\n"😀": ok\n'],
    ['lines of only spaces without block scalars', 'a: 1\n   \nb:\n  c: one\n    \n    two\n'],
    ['a document start marker first', '# yaml-language-server: $schema=x.json\n---\na: 1\nb: [x]\n'],
    ['markdown and operators in text', 'description: The **total** amount, *not* the sum; a << b, R&D, Q & A\nnote: "*quoted*"\n'],
  ])('%s', (_, text) => {
    expect(fastParse(text.replace(/^\uFEFF/, ''))).toBeDefined();
    expectSameParse('u.yaml', text);
    expectSameParse('u.yaml', text, 0);
  });
});

describe('generated documents (property)', () => {
  const plainChars = [...'0123456789+-._eExXoObaAfFinNlLuUsStTrR~ :#*&!<?[]{},|>\'"%@`'];
  it('resolves plain scalars (values, keys, flow items) like the YAML 1.2 core schema of `yaml`', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...plainChars), minLength: 1, maxLength: 8 }), (s) => {
        for (const text of [`k: ${s}\n`, `${s}: v\n`, `k: [${s}, x]\n`, `k:\n  - ${s}\n`, `k: a\n  ${s}\n`, `k: { a: ${s} }\n`]) if (expectSameParse('p.yaml', text).fast) fast++;
      }),
      { numRuns: 1000 },
    );
    // Many of these are plain data: the comparison above must often have been fast vs careful.
    expect(fast).toBeGreaterThan(1000);
  });

  const key = fc.oneof(fc.constantFrom('type', 'properties', 'required', 'items', 'enum', '1', '2', 'a b', 'x-y', "it's", 'q"q', 'true', '0x1F', '1e3', ''), fc.string({ maxLength: 6 }));
  const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.integer(), fc.double({ noNaN: false }), fc.boolean(), fc.constant(null), fc.constantFrom('yes', 'no', '0o17', '-0x1', '1_000', '.inf', 'line\nbreak', ' lead', 'trail ', '#hash', 'a: b', '- x', '{x}', '[y]'));
  const data = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  })).value;
  const style = fc.record({
    defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
    collectionStyle: fc.constantFrom('any', 'block', 'flow'),
    indent: fc.integer({ min: 1, max: 4 }),
    lineWidth: fc.constantFrom(0, 20, 80),
  });

  it('reads documents written in every style the same way, positions included', () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.dictionary(key, data, { minKeys: 1, maxKeys: 5 }), style, (doc, opts) => {
        const text = stringify(doc, opts as Parameters<typeof stringify>[1]);
        if (expectSameParse('g.yaml', text).fast) fast++;
        expectSameParse('g.yaml', text, 0);
      }),
      { numRuns: 300 },
    );
    expect(fast).toBeGreaterThan(100);
  });
});

/** A catalog of `n` messages (one of them big), written with the variety people write. */
function bigCatalog(n: number): string {
  const out = [
    '# yaml-language-server: $schema=./.edasaga/schemas/catalog.schema.json',
    'edasaga: 1',
    'catalog: { name: big, namespace: com.example.big }',
    'services:',
    '  orders:',
    '    description: >-',
    '      Takes orders',
    '      and keeps them.',
    '  "payments": { owner: team-pay }',
    'definitions:',
    '  Money:',
    '    type: object',
    '    required:',
    '    - amount',
    '    - currency',
    '    properties:',
    '      amount: {type: integer, minimum: 0}',
    "      'currency': { type: string, pattern: '^[A-Z]{3}$' }",
    'messages:',
  ];
  for (let m = 0; m < n; m++) {
    const props = m === 7 ? 400 : 6;
    out.push(`  Msg${m}:`, '    kind: event', '    service: orders', `    topic: "topic-${m % 5}"`, '    key: id');
    if (m % 3 === 0) out.push('    description: |', '      First line.', '', '      Third: with a colon.');
    out.push('    versions:');
    for (let v = 1; v <= 2; v++) {
      out.push(`      ${v}:`, '        payload:', '          type: object', '          required: [id]', '# a comment at column 0', '          properties:');
      for (let p = 0; p < props; p++) out.push(`            f${p}: { type: ${p % 2 ? 'integer' : 'string'}, description: "field ${p} of v${v}" }`);
      out.push('            id:', '              type: string', '              format: uuid');
    }
  }
  out.push('subscriptions:', '  payments:', '  - Msg1', '  - Msg2');
  return out.join('\n') + '\n';
}
