// `export asyncapi`: every export of the templates (whole catalog and each service's view), of a
// catalog with draft-07 payloads and schema files, and of a large synthetic catalog is a valid
// AsyncAPI 3.0 document for the official parser; the output is deterministic; golden file of the
// order system. UPDATE_GOLDEN=1 npx vitest run test/asyncapi/export.test.ts rewrites it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import jsYaml from 'js-yaml';
import { syntheticCatalog } from '../../bench/synthetic-catalog.mjs';
import { exportCatalog, FIXTURES, parserErrors, TEMPLATES, templateCatalog } from './helpers.js';

const GOLDEN = join(import.meta.dirname, 'golden', 'order-system.asyncapi.yaml');
const work = mkdtempSync(join(tmpdir(), 'edasaga-asyncapi-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('export asyncapi: valid for the official parser', () => {
  for (const template of TEMPLATES) {
    it(`${template}: the whole catalog and every service's view parse without errors`, async () => {
      const whole = await exportCatalog(templateCatalog(template));
      expect(await parserErrors(whole.yaml)).toEqual([]);
      for (const service of whole.services) {
        const view = await exportCatalog(templateCatalog(template), service);
        expect(await parserErrors(view.yaml), service).toEqual([]);
      }
    }, 60_000);
  }

  it('a catalog with draft-07 payloads, a schema file and a deprecated message', async () => {
    const { yaml, document } = await exportCatalog(join(FIXTURES, 'draft07', 'catalog.yaml'));
    expect(await parserErrors(yaml)).toEqual([]);
    const schemas = document.components.schemas as Record<string, { schemaFormat: string }>;
    // Money is used from a draft-07 and a 2020-12 payload: once per dialect, as AsyncAPI requires.
    expect(schemas['Money']!.schemaFormat).toBe('application/schema+json;version=draft-07');
    expect(schemas['Money_v2020_12']!.schemaFormat).toBe('application/schema+json;version=2020-12');
    // The schema file is one shared schema; a ref inside it stays a ref into it.
    expect(Object.keys(schemas)).toEqual(['edasaga.CloudEventsHeaders', 'Money', 'Money_v2020_12', 'place']);
    expect(yaml).toContain("$ref: '#/components/schemas/place/schema/$defs/Zip'");
  });

  it('the parser does report a broken draft-07 payload (the check above can fail)', async () => {
    const { document } = await exportCatalog(join(FIXTURES, 'draft07', 'catalog.yaml'));
    const broken = structuredClone(document) as { components: { messages: Record<string, { payload: { schema: Record<string, unknown> } }> } };
    broken.components.messages['PriceSet.v1']!.payload.schema['type'] = 'objekt';
    expect((await parserErrors(JSON.stringify(broken))).length).toBeGreaterThan(0);
  });

  it('a synthetic catalog of 200 messages', async () => {
    const file = join(work, 'big.yaml');
    writeFileSync(file, syntheticCatalog(200));
    const { yaml, document } = await exportCatalog(file);
    expect(Object.keys(document.components.messages)).toHaveLength(220);
    expect(await parserErrors(yaml)).toEqual([]);
  }, 60_000);
});

describe('export asyncapi: content', () => {
  it('is deterministic', async () => {
    const a = await exportCatalog(templateCatalog('order-system'));
    const b = await exportCatalog(templateCatalog('order-system'));
    expect(a.yaml).toBe(b.yaml);
  });

  it('matches the golden file of the order system', async () => {
    const { yaml } = await exportCatalog(templateCatalog('order-system'));
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, yaml);
    expect(yaml).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('maps saga commands to send/receive operations with replies, keys to Kafka keys and correlation ids', async () => {
    const { document } = await exportCatalog(templateCatalog('order-system'));
    const ops = document.operations as Record<string, { action: string; reply?: { messages: { $ref: string }[] } }>;
    expect(ops['order.send.ProcessPayment']!.reply!.messages.map((m) => m.$ref)).toEqual([
      '#/channels/payments/messages/PaymentCompleted.v1',
      '#/channels/payments/messages/PaymentFailed.v1',
    ]);
    expect(ops['payment.receive.ProcessPayment']!.reply).toBeDefined();
    expect(ops['notification.receive.OrderConfirmed']!.action).toBe('receive');
    const v2 = document.components.messages['OrderCreated.v2'] as Record<string, any>;
    expect(v2['correlationId'].location).toBe('$message.payload#/orderId');
    expect(v2['bindings'].kafka.key.type).toBe('string');
    expect(v2['headers'].allOf[1].properties.ce_dataversion.const).toBe('2');
    expect(v2['payload'].schemaFormat).toBe('application/schema+json;version=2020-12');
  });

  it("a service's view has only what that service sends and receives", async () => {
    const { document } = await exportCatalog(templateCatalog('order-system'), 'notification');
    expect(Object.keys(document.operations).sort()).toEqual(['notification.receive.OrderCancelled', 'notification.receive.OrderConfirmed', 'notification.receive.PaymentRefunded']);
    expect(Object.keys(document.channels).sort()).toEqual(['orders', 'payments']);
    expect(Object.keys(document.components.schemas)).toEqual(['edasaga.CloudEventsHeaders', 'Money']);
  });

  it('flags deprecated messages in their payloads and keeps catalog facts under x-edasaga', async () => {
    const { document } = await exportCatalog(join(FIXTURES, 'draft07', 'catalog.yaml'));
    const v2 = document.components.messages['PriceSet.v2'] as Record<string, any>;
    expect(v2['payload'].schema.deprecated).toBe(true);
    expect(v2['x-edasaga']).toEqual({
      message: 'PriceSet', version: 2, kind: 'event', service: 'shop', compatibility: 'NONE',
      deprecated: { reason: 'Use PriceChanged.', since: 2 }, acceptedBreaks: [{ rule: '*', reason: 'nobody reads it' }],
    });
    expect(jsYaml.load(jsYaml.dump(document))).toEqual(document);
  });
});
