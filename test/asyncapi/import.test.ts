// `import asyncapi`: round trips of both templates (export -> import -> export keeps messages,
// versions, topics, keys and payloads), documents teams write (2.6 and 3.0, no edasaga extensions),
// the written catalog passing `validate`, warnings located in the document and left as comments.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importAsyncApi } from '../../src/asyncapi/import/index.js';
import { runImportCommand } from '../../src/cli/run-import-asyncapi.js';
import { loadProjectFromSources } from '../../src/project/load.js';
import { capture, exportCatalog, FIXTURES, TEMPLATES, templateCatalog } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'edasaga-asyncapi-import-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function errorsOf(catalogPath: string, text: string) {
  return loadProjectFromSources({ catalog: { path: catalogPath, text }, sagas: [], readFile: () => undefined }).diagnostics.filter((d) => d.severity === 'error');
}

describe('import asyncapi: round trip of the templates', () => {
  for (const template of TEMPLATES) {
    it(`${template}: export -> import -> export gives the same messages, versions, topics, keys and payloads`, async () => {
      const first = await exportCatalog(templateCatalog(template));
      const spec = join(work, `${template}.asyncapi.yaml`);
      writeFileSync(spec, first.yaml);
      const catalogPath = join(work, `${template}.catalog.yaml`);
      const imported = importAsyncApi(spec, catalogPath);
      expect(imported.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      writeFileSync(catalogPath, imported.text!);
      expect(errorsOf(catalogPath, imported.text!)).toEqual([]);
      const second = await exportCatalog(catalogPath);
      expect(second.document.components.messages).toEqual(first.document.components.messages);
      expect(second.document.components.schemas).toEqual(first.document.components.schemas);
      expect(second.document.channels).toEqual(first.document.channels);
      expect(second.document['info']).toEqual(first.document['info']);
    });
  }

  // A schema file, and a definition used from both dialects, come back as definitions of their own.
  it('a catalog with draft-07 payloads, deprecation and accepted breaks keeps them', async () => {
    const first = await exportCatalog(join(FIXTURES, 'draft07', 'catalog.yaml'));
    const spec = join(work, 'draft07.asyncapi.json');
    writeFileSync(spec, JSON.stringify(first.document));
    const catalogPath = join(work, 'draft07.catalog.yaml');
    const imported = importAsyncApi(spec, catalogPath);
    writeFileSync(catalogPath, imported.text!);
    expect(errorsOf(catalogPath, imported.text!)).toEqual([]);
    expect(imported.text).toContain('deprecated: { reason: Use PriceChanged., since: 2 }');
    expect(imported.text).toContain('compatibility: NONE');
    expect(imported.text).toMatch(/acceptedBreaks:\n\s+- \{ version: 2, rule: "\*", reason: nobody reads it \}/);
    const second = await exportCatalog(catalogPath);
    const facts = (doc: typeof first.document) =>
      Object.values(doc.components.messages as Record<string, Record<string, any>>).map((m) => [m['x-edasaga'], m['correlationId'], m['payload'].schemaFormat, Object.keys(m['payload'].schema.properties)]);
    expect(facts(second.document)).toEqual(facts(first.document));
  });
});

describe('import asyncapi: documents without edasaga extensions', () => {
  it('2.6: subscribe is sent, publish received; correlationId gives the key; Avro is left out as a comment', () => {
    const out = join(work, 'lights.yaml');
    const result = importAsyncApi(join(FIXTURES, 'lights-2.6', 'asyncapi.yaml'), out);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const text = result.text!;
    expect(errorsOf(out, text)).toEqual([]);
    expect(result.catalog!.messages.map((m) => [m.name, m.body['kind'], m.body['service'], m.body['topic'], m.body['key']])).toEqual([
      ['LightMeasured', 'event', 'street-lights', 'light.measured', 'lightId'],
      ['TurnOn', 'event', 'external', 'light.turn-on', 'lightId'],
    ]);
    expect(result.catalog!.subscriptions).toEqual({ 'street-lights': ['TurnOn'] });
    expect(result.catalog!.skipped.map((s) => s.name)).toEqual(['Dimmed']);
    expect(text).toContain('namespace: com.acme.lights');
    expect(text).toContain('# Dimmed: not imported (its payload is in application/vnd.apache.avro;version=1.9.0, not JSON Schema).');
    // Warnings are located in the AsyncAPI document and repeated as comments in the catalog.
    const servers = result.diagnostics.find((d) => d.message.startsWith('`servers`'))!;
    expect([servers.line, servers.col]).toEqual([10, 1]);
    expect(text).toMatch(/# .*lights-2\.6\/asyncapi\.yaml:10:1: W_ASYNCAPI_UNMAPPED: `servers`/);
    const headers = result.diagnostics.find((d) => d.message.startsWith('message headers'))!;
    expect(headers.line).toBe(29);
    expect(text).toContain('legacy: { type: string, x-deprecated: true }');
  });

  it('3.0: request/reply gives a command and its reply; a payload in a file beside the document becomes a definition', () => {
    const out = join(work, 'bookings.yaml');
    const result = importAsyncApi(join(FIXTURES, 'bookings-3.0', 'asyncapi.yaml'), out);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(errorsOf(out, result.text!)).toEqual([]);
    expect(result.catalog!.messages.map((m) => [m.name, m.body['kind'], m.body['service'], m.body['key']])).toEqual([
      ['ReserveRoom', 'command', 'hotel', 'bookingId'],
      ['RoomReserved', 'reply', 'hotel', 'bookingId'],
      ['BookingPlaced', 'event', 'booking', 'bookingId'],
    ]);
    expect(Object.keys(result.catalog!.definitions)).toEqual(['Booking']);
    expect(result.catalog!.subscriptions).toEqual({ audit: ['BookingPlaced'] });
    expect(Object.keys(result.catalog!.services)).toEqual(['booking', 'hotel', 'audit']);
  });
});

describe('import asyncapi: the command', () => {
  const spec = join(FIXTURES, 'bookings-3.0', 'asyncapi.yaml');

  it('never replaces an existing catalog without --force', async () => {
    const out = join(work, 'existing.yaml');
    writeFileSync(out, 'mine\n');
    const refused = await capture((o) => runImportCommand({ spec, out, force: false, format: 'text', color: false }, o));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('E_FILE_EXISTS');
    expect(readFileSync(out, 'utf8')).toBe('mine\n');
    const forced = await capture((o) => runImportCommand({ spec, out, force: true, format: 'text', color: false }, o));
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('3 services, 3 messages, 1 definitions');
    expect(readFileSync(out, 'utf8')).toContain('ReserveRoom:');
  });

  it('writes a catalog that does not validate, and says exactly why (exit 1)', async () => {
    const dir = mkdtempSync(join(work, 'nokey-'));
    writeFileSync(
      join(dir, 'asyncapi.yaml'),
      ['asyncapi: 3.0.0', 'info: { title: t, version: "1" }', 'channels:', '  c:', '    address: c', '    messages:', '      A:', '        payload: { type: object, properties: { x: { type: string } } }', '        correlationId: { location: "$message.payload#/x" }', '      B:', '        name: A', '        payload: { type: objekt, properties: { y: { type: string } } }', ''].join('\n'),
    );
    const run = await capture((o) => runImportCommand({ spec: join(dir, 'asyncapi.yaml'), out: join(dir, 'catalog.yaml'), force: false, format: 'json', color: false }, o));
    const report = JSON.parse(run.stdout) as { written: string; validation: { code: string }[]; diagnostics: { code: string }[] };
    expect(report.diagnostics.map((d) => d.code)).toContain('W_ASYNCAPI_RENAMED');
    expect(report.written).toMatch(/catalog\.yaml$/);
    expect(report.validation.map((d) => d.code)).toContain('E_INVALID_PAYLOAD_SCHEMA');
    expect(run.code).toBe(1);
    const text = await capture((o) => runImportCommand({ spec: join(dir, 'asyncapi.yaml'), out: join(dir, 'catalog.yaml'), force: true, format: 'text', color: false }, o));
    expect(text.stderr).toContain('was written but does not pass `edasaga validate` yet');
    expect(text.stderr).toMatch(/catalog\.yaml:\d+:\d+: error E_INVALID_PAYLOAD_SCHEMA/);
  });
});

describe('import asyncapi: message names the generated code uses itself', () => {
  it('renames them until the name rules (src/names) accept them, so the catalog validates', () => {
    const spec = join(work, 'reserved-names.yaml');
    const messages = ['Any', 'EventEnvelope', 'Promise'];
    writeFileSync(
      spec,
      `asyncapi: 3.0.0\ninfo: { title: reserved, version: '1' }\nchannels:\n${messages
        .map((m) => `  ${m.toLowerCase()}:\n    address: ${m.toLowerCase()}\n    messages:\n      ${m}:\n        payload: { type: object, required: [id], properties: { id: { type: string } } }\n`)
        .join('')}`,
    );
    const catalogPath = join(work, 'reserved-names.catalog.yaml');
    const imported = importAsyncApi(spec, catalogPath);
    expect(imported.text).toBeDefined();
    expect(errorsOf(catalogPath, imported.text!)).toEqual([]);
    for (const name of ['AnyMessageMessage:', 'EventEnvelopeMessage:', 'PromiseMessage:']) expect(imported.text).toContain(`  ${name}`);
  });
});
