import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, parseYamlSource, readSourceFile, SourceIndex } from '../../src/loader/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'edasaga-loader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('readSourceFile', () => {
  it('reads UTF-8 text and drops a BOM', () => {
    const f = join(tmp, 'bom.yaml');
    writeFileSync(f, '\uFEFFa: 1\n');
    expect(readSourceFile(f)).toEqual({ ok: true, text: 'a: 1\n' });
  });

  it.each([
    ['missing', () => join(tmp, 'nope.yaml'), 'E_FILE_NOT_FOUND', 'does not exist'],
    ['directory', () => { const d = join(tmp, 'dir.yaml'); mkdirSync(d, { recursive: true }); return d; }, 'E_NOT_A_FILE', 'is a directory'],
    ['binary', () => { const f = join(tmp, 'bin.yaml'); writeFileSync(f, Buffer.from([0x89, 0x50, 0x00, 0x01])); return f; }, 'E_BINARY_FILE', 'binary'],
    ['invalid UTF-8', () => { const f = join(tmp, 'latin1.yaml'); writeFileSync(f, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a])); return f; }, 'E_BINARY_FILE', 'not valid UTF-8'],
    ['too large', () => { const f = join(tmp, 'big.yaml'); writeFileSync(f, Buffer.alloc(MAX_FILE_BYTES + 1, 0x61)); return f; }, 'E_FILE_TOO_LARGE', '5 MiB'],
  ])('reports a %s file', (_, make, code, text) => {
    const r = readSourceFile(make(), 'catalog');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostic.code).toBe(code);
      expect(r.diagnostic.message).toContain(text);
      expect(r.diagnostic.severity).toBe('error');
    }
  });

  it('accepts a file of exactly the size limit', () => {
    const f = join(tmp, 'limit.yaml');
    writeFileSync(f, Buffer.alloc(MAX_FILE_BYTES, 0x61));
    expect(readSourceFile(f).ok).toBe(true);
  });
});

describe('parseYamlSource', () => {
  const codes = (text: string) => parseYamlSource('x.yaml', text).diagnostics.map((d) => d.code);

  it('parses YAML into plain data with string keys', () => {
    const r = parseYamlSource('x.yaml', 'versions:\n  1: { a: true }\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.parsed?.value).toEqual({ versions: { '1': { a: true } } });
  });

  it('reports syntax errors with their position', () => {
    const r = parseYamlSource('x.yaml', 'a: 1\nb: [1, 2\nc: 3\n');
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: 'E_YAML_SYNTAX', file: 'x.yaml' });
    expect(r.diagnostics[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('reports duplicate keys at the second occurrence', () => {
    const r = parseYamlSource('x.yaml', 'a: 1\nbb: 2\nbb: 3\n');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'E_YAML_DUPLICATE_KEY', line: 3, col: 1, message: expect.stringContaining('"bb"') }),
    ]);
  });

  it('stops alias bombs', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (const [n, p] of [['b', 'a'], ['c', 'b'], ['d', 'c'], ['e', 'd']] as const) bomb.push(`${n}: &${n} [${Array(9).fill('*' + p).join(', ')}]`);
    expect(codes(bomb.join('\n'))).toEqual(['E_YAML_ALIAS_LIMIT']);
  });

  it('allows a few aliases', () => {
    const r = parseYamlSource('x.yaml', 'a: &m { type: string }\nb: *m\nc: *m\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.parsed?.value).toEqual({ a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('rejects the key %s without polluting prototypes', (key) => {
    const r = parseYamlSource('x.yaml', `a:\n  ${key}: { polluted: true }\n`);
    expect(r.parsed).toBeUndefined();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'E_FORBIDDEN_KEY', line: 2, col: 3 })]);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('rejects empty and comment-only documents', () => {
    expect(codes('')).toEqual(['E_EMPTY_FILE']);
    expect(codes('# just a comment\n')).toEqual(['E_EMPTY_FILE']);
  });

  it('rejects NUL bytes, custom tags, multiple documents and complex keys', () => {
    expect(codes('a: 1\u0000')).toEqual(['E_BINARY_FILE']);
    expect(codes('a: !shell rm -rf /\n')).toEqual(['E_YAML_TAG']);
    expect(codes('a: 1\n---\nb: 2\n')).toEqual(['E_YAML_SYNTAX']);
    expect(codes('? [a, b]\n: 1\n')).toEqual(['E_YAML_COMPLEX_KEY']);
  });

  it('reads JSON too', () => {
    expect(parseYamlSource('x.json', '{"a": [1, 2]}').parsed?.value).toEqual({ a: [1, 2] });
  });
});

describe('SourceIndex', () => {
  const text = 'messages:\n  OrderCreated:\n    versions:\n      2:\n        payload:\n          properties:\n            total: { $ref: "#/definitions/Money" }\n    list: [a, b]\n';
  const index = new SourceIndex();
  index.add(parseYamlSource('/p/catalog.yaml', text).parsed!);

  it('locates a schema property by JSON pointer (at its key)', () => {
    expect(index.locate('/p/catalog.yaml', '/messages/OrderCreated/versions/2/payload/properties/total')).toEqual({ file: '/p/catalog.yaml', line: 7, col: 13 });
  });

  it('locates values, sequence items and escaped segments', () => {
    expect(index.span('/p/catalog.yaml', '/messages/OrderCreated/versions/2/payload/properties/total/$ref', 'value')).toMatchObject({ line: 7, col: 28, endCol: 49 });
    expect(index.locate('/p/catalog.yaml', '/messages/OrderCreated/list/1')).toMatchObject({ line: 8, col: 15 });
  });

  it('falls back to the nearest existing ancestor', () => {
    expect(index.locate('/p/catalog.yaml', '/messages/OrderCreated/versions/3')).toMatchObject({ line: 3, col: 5 });
  });

  it('answers undefined for unknown files', () => {
    expect(index.locate('/p/other.yaml', '/a')).toBeUndefined();
  });
});

describe('merge keys', () => {
  it('merges `<<: *anchor` into the mapping', () => {
    const r = parseYamlSource('x.yaml', 'base: &b { type: object, required: [id] }\nmsg:\n  <<: *b\n  description: d\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.parsed?.value).toEqual({ base: { type: 'object', required: ['id'] }, msg: { type: 'object', required: ['id'], description: 'd' } });
  });
});
