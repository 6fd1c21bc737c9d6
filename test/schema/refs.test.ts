import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefResolver } from '../../src/schema/index.js';
import type { LoadedFile } from '../../src/schema/index.js';
import { loadProjectFromSources } from '../../src/project/load.js';

const require = createRequire(import.meta.url);
const Ajv2020 = (require('ajv/dist/2020.js') as { default: new (o: object) => { compile(s: unknown): (d: unknown) => boolean } }).default;
const AjvDraft7 = (require('ajv') as { default: new (o: object) => { compile(s: unknown): (d: unknown) => boolean } }).default;

const dir = '/proj';
const catalogFile = join(dir, 'catalog.yaml');
const catalog = {
  definitions: {
    Money: { type: 'object', required: ['amount'], properties: { amount: { type: 'integer' }, currency: { $ref: '#/definitions/Currency' } } },
    Currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    OrderItem: { type: 'object', properties: { sku: { type: 'string' }, price: { $ref: '#/definitions/Money' } } },
    Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/definitions/Node' } } } },
    LoopA: { $ref: '#/definitions/LoopB' },
    LoopB: { $ref: '#/definitions/LoopA' },
  },
};
const files: Record<string, unknown> = {
  [join(dir, 'schemas/address.json')]: {
    type: 'object',
    properties: { city: { type: 'string' }, country: { $ref: '#/$defs/Country' } },
    $defs: { Country: { type: 'string', minLength: 2 } },
  },
  [join(dir, 'common.yaml')]: { Tag: { type: 'string', maxLength: 10 }, Tags: { type: 'array', items: { $ref: '#/Tag' } } },
  [join(dir, 'schemas/nested/deep.json')]: { $ref: '../address.json' },
  [join(dir, 'schemas/with-id.json')]: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://example.com/schemas/with-id.json',
    type: 'object',
    properties: { code: { $ref: '#/$defs/Code' } },
    $defs: { Code: { type: 'string', maxLength: 3 } },
  },
};
const loadFile = (abs: string): LoadedFile => (abs in files ? { ok: true, value: files[abs] } : { ok: false, reason: 'the file does not exist' });
const resolver = () => new RefResolver({ catalogFile, catalogDocument: catalog, loadFile });
const at = { file: catalogFile, pointer: '/messages/X/versions/1/payload' };

describe('RefResolver.resolveRef', () => {
  it('resolves #/definitions against the catalog document', () => {
    const r = resolver().resolveRef('#/definitions/Money', catalogFile);
    expect(r).toMatchObject({ ok: true, target: { file: catalogFile, pointer: '/definitions/Money' } });
  });

  it('resolves files relative to the referring file, and #/ inside a file against that file', () => {
    const r = resolver();
    const addr = r.resolveRef('./schemas/address.json', catalogFile);
    expect(addr).toMatchObject({ ok: true, target: { file: join(dir, 'schemas/address.json'), pointer: '' } });
    const country = r.resolveRef('#/$defs/Country', join(dir, 'schemas/address.json'));
    expect(country).toMatchObject({ ok: true, target: { schema: { type: 'string', minLength: 2 } } });
    const deep = r.resolveChain('./schemas/nested/deep.json', catalogFile);
    expect(deep).toMatchObject({ ok: true, target: { file: join(dir, 'schemas/address.json') } });
    expect(r.resolveRef('./common.yaml#/Tag', catalogFile)).toMatchObject({ ok: true, target: { schema: { maxLength: 10 } } });
  });

  it('explains what does not resolve, with a suggestion', () => {
    const r = resolver();
    expect(r.resolveRef('#/definitions/Mony', catalogFile)).toMatchObject({ ok: false, code: 'E_UNRESOLVED_REF', hint: 'did you mean "#/definitions/Money"?' });
    expect(r.resolveRef('./nope.json', catalogFile)).toMatchObject({ ok: false, message: expect.stringContaining('does not exist') });
    expect(r.resolveRef('https://example.com/s.json', catalogFile)).toMatchObject({ ok: false, code: 'E_REMOTE_REF' });
    expect(r.resolveRef('/etc/passwd', catalogFile)).toMatchObject({ ok: false, message: expect.stringContaining('absolute path') });
    expect(r.resolveRef('#money', catalogFile)).toMatchObject({ ok: false, message: expect.stringContaining('anchor') });
  });

  it('refuses files outside its root folder without reading them', () => {
    const seen: string[] = [];
    const r = new RefResolver({ catalogFile, catalogDocument: catalog, loadFile: (abs) => (seen.push(abs), loadFile(abs)), root: { dir, label: "the catalog's folder" } });
    expect(r.resolveRef('../etc/passwd', catalogFile)).toMatchObject({ ok: false, code: 'E_REF_OUTSIDE_PROJECT', message: expect.stringContaining("leaves the catalog's folder") });
    expect(r.resolveRef('../proj-other/x.json', catalogFile)).toMatchObject({ ok: false, code: 'E_REF_OUTSIDE_PROJECT' });
    expect(seen).toEqual([]);
    // Inside the folder, `..` is fine, and so is a file whose name starts with two dots.
    expect(r.resolveChain('./schemas/nested/deep.json', catalogFile)).toMatchObject({ ok: true });
    expect(r.resolveRef('./..hidden.json', catalogFile)).toMatchObject({ ok: false, code: 'E_UNRESOLVED_REF' });
    expect(seen).toEqual([join(dir, 'schemas/nested/deep.json'), join(dir, 'schemas/address.json'), join(dir, '..hidden.json')]);
  });

  it('refuses a chain of more than 64 `{ $ref }`-only schemas, naming every link once', () => {
    const defs: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) defs[`R${i}`] = { $ref: `#/definitions/R${i + 1}` };
    defs['R100'] = { type: 'string' };
    const r = new RefResolver({ catalogFile, catalogDocument: { definitions: defs }, loadFile });
    expect(r.resolveChain('#/definitions/R36', catalogFile)).toMatchObject({ ok: true });
    const long = r.resolveChain('#/definitions/R0', catalogFile);
    expect(long).toMatchObject({ ok: false, code: 'E_NESTING_TOO_DEEP' });
    expect(!long.ok && long.chain?.length).toBe(101);
    const problems = r.checkRefs({ $ref: '#/definitions/R0', definitions: defs }, { file: catalogFile, pointer: '' });
    expect(problems.map((p) => [p.code, p.pointer])).toEqual([['E_NESTING_TOO_DEEP', '/$ref']]);
  });

  it('never calls the loader for remote refs', () => {
    const seen: string[] = [];
    const r = new RefResolver({ catalogFile, catalogDocument: catalog, loadFile: (abs) => (seen.push(abs), loadFile(abs)) });
    r.resolveRef('http://localhost/x.json', catalogFile);
    expect(seen).toEqual([]);
  });
});

describe('RefResolver.checkRefs', () => {
  it('accepts recursive schemas and reports pure cycles', () => {
    const r = resolver();
    expect(r.checkRefs({ $ref: '#/definitions/Node' }, at)).toEqual([]);
    const problems = r.checkRefs({ type: 'object', properties: { a: { $ref: '#/definitions/LoopA' } } }, at);
    // Reported once, in the cycle (at LoopA's own $ref), not at the $ref that merely leads into it.
    expect(problems).toEqual([expect.objectContaining({ code: 'E_REF_CYCLE', file: catalogFile, pointer: '/definitions/LoopA/$ref' })]);
  });

  it('finds broken refs inside referenced files, located in those files', () => {
    const bad = { ...files, [join(dir, 'schemas/address.json')]: { properties: { zip: { $ref: '#/$defs/Zip' } } } };
    const r = new RefResolver({ catalogFile, catalogDocument: catalog, loadFile: (abs) => (abs in bad ? { ok: true, value: bad[abs] } : { ok: false, reason: 'missing' }) });
    const problems = r.checkRefs({ properties: { a: { $ref: './schemas/address.json' } } }, at);
    expect(problems).toEqual([expect.objectContaining({ file: join(dir, 'schemas/address.json'), pointer: '/properties/zip/$ref' })]);
  });

  it('does not treat data as schemas ($ref inside enum/const/default)', () => {
    expect(resolver().checkRefs({ enum: [{ $ref: '#/nowhere' }], default: { $ref: 'x' }, properties: { $ref: { type: 'string' } } }, at)).toEqual([]);
  });
});

describe('RefResolver.bundle', () => {
  it('produces a self-contained 2020-12 schema that ajv compiles', () => {
    const payload = {
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: '#/definitions/OrderItem' } }, ship: { $ref: './schemas/address.json' }, tags: { $ref: './common.yaml#/Tags' }, tree: { $ref: '#/definitions/Node' } },
    };
    const { schema, problems } = resolver().bundle(payload, at);
    expect(problems).toEqual([]);
    const text = JSON.stringify(schema);
    expect(text).not.toMatch(/"\$ref":"(?!#\/\$defs\/)/);
    expect(Object.keys((schema as { $defs: object }).$defs).sort()).toEqual(['Country', 'Currency', 'Money', 'Node', 'OrderItem', 'Tag', 'Tags', 'address']);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate({ items: [{ sku: 'a', price: { amount: 1, currency: 'EUR' } }], ship: { city: 'x', country: 'DE' }, tags: ['a'], tree: { children: [{ children: [] }] } })).toBe(true);
    expect(validate({ items: [{ sku: 'a', price: { amount: 1, currency: 'euro' } }] })).toBe(false);
    expect(validate({ ship: { country: 'D' } })).toBe(false);
    expect(validate({ tree: { children: [{ children: 'no' }] } })).toBe(false);
  });

  it('drops $id and $schema from copied schemas so refs keep resolving', () => {
    const { schema, problems } = resolver().bundle({ type: 'object', properties: { c: { $ref: './schemas/with-id.json' } } }, at);
    expect(problems).toEqual([]);
    expect(JSON.stringify(schema)).not.toContain('example.com');
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate({ c: { code: 'abc' } })).toBe(true);
    expect(validate({ c: { code: 'abcd' } })).toBe(false);
  });

  it('uses definitions for draft-07 payloads', () => {
    const { schema } = resolver().bundle({ $schema: 'http://json-schema.org/draft-07/schema#', properties: { m: { $ref: '#/definitions/Money' } } }, at);
    expect(schema).toMatchObject({ definitions: { Money: expect.any(Object), Currency: expect.any(Object) }, properties: { m: { $ref: '#/definitions/Money' } } });
    const validate = new AjvDraft7({ strict: false }).compile(schema);
    expect(validate({ m: { amount: 'x' } })).toBe(false);
  });

  it('returns problems instead of a bundle when a ref is broken', () => {
    const { problems } = resolver().bundle({ properties: { m: { $ref: '#/definitions/Nope' } } }, at);
    expect(problems).toHaveLength(1);
  });
});

describe('loadProjectFromSources', () => {
  const catalogText = `edasaga: 1
catalog: { name: mem, namespace: com.example.mem }
services: { a: {} }
messages:
  Thing:
    kind: event
    service: a
    topic: things
    key: id
    versions:
      1:
        payload: { type: object, required: [id], properties: { id: { type: string }, addr: { $ref: "./schemas/address.json" } } }
`;
  it('loads in-memory text and resolves file refs through readFile', () => {
    const read: string[] = [];
    const result = loadProjectFromSources({
      catalog: { path: '/baseline/catalog.yaml', text: catalogText },
      sagas: [],
      readFile: (abs) => (read.push(abs), abs === '/baseline/schemas/address.json' ? '{"type": "object", "properties": {"city": {"type": "string"}}}' : undefined),
    });
    expect(result.diagnostics).toEqual([]);
    expect(read).toEqual(['/baseline/schemas/address.json']);
    expect(result.project?.catalog.messages[0]?.name).toBe('Thing');
    expect(result.sources.locate('/baseline/schemas/address.json', '/properties/city')).toEqual({ file: '/baseline/schemas/address.json', line: 1, col: 35 });
    const bundled = result.refs!.bundle(result.project!.catalog.messages[0]!.versions[0]!.payload, { file: '/baseline/catalog.yaml', pointer: result.project!.catalog.messages[0]!.versions[0]!.pointer });
    expect(bundled.schema).toMatchObject({ $defs: { address: { properties: { city: { type: 'string' } } } } });
  });

  it('reports a ref to a file readFile does not have', () => {
    const result = loadProjectFromSources({ catalog: { path: '/baseline/catalog.yaml', text: catalogText }, sagas: [], readFile: () => undefined });
    expect(result.project).toBeUndefined();
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'E_UNRESOLVED_REF', line: 12, file: '/baseline/catalog.yaml' })]);
  });
});
