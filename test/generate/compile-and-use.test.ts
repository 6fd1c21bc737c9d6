// The generated output for the example compiles under the strictest settings and works: construct,
// validate, serialize (structured and binary), deserialize, upcast v1 -> v2, and readable errors.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { loadExample } from './helpers/model.js';
import { makeWorkspace, removeWorkspace, runTs, typecheck } from './helpers/workspace.js';

describe('generated order-system code', () => {
  let dir: string;
  let used: Record<string, any>;

  beforeAll(async () => {
    dir = makeWorkspace();
    const { project, bundle } = await loadExample();
    const outcome = await generate(project, { outDir: dir, bundle, emitters: [] });
    expect(outcome.exitCode).toBe(0);
    copyFileSync(join(import.meta.dirname, 'fixtures/use-order-system.ts'), join(dir, 'src/use.ts'));
  });
  afterAll(() => removeWorkspace(dir));

  it('compiles with strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, verbatimModuleSyntax, noUnused*', async () => {
    expect(await typecheck(dir)).toBe('');
  });

  it('the type check can fail (a misuse of the generated API is an error)', async () => {
    const { writeFileSync, rmSync } = await import('node:fs');
    const bad = join(dir, 'src/misuse.ts');
    writeFileSync(bad, "import { OrderCreated } from './generated/index.js';\nOrderCreated.create({ orderId: 'x' });\n");
    try {
      expect(await typecheck(dir)).toContain("src/misuse.ts(2,21): error TS2345");
    } finally {
      rmSync(bad);
    }
  });

  it('runs: construct, encode, decode, upcast, reject', async () => {
    used = JSON.parse(await runTs(dir, 'src/use.ts'));
    expect(used['envelope']).toEqual({
      specversion: '1.0',
      type: 'com.example.orders.OrderCreated',
      source: '/com.example.orders/order',
      subject: '6f1c1a8e-6a0e-4e47-9d7a-0d2b8f7f2c11',
      dataversion: 2,
      correlationid: 'corr-1',
      datacontenttype: 'application/json',
    });
    expect(used['structuredRoundTrip']).toBe('order 6f1c1a8e-6a0e-4e47-9d7a-0d2b8f7f2c11 coupon=undefined');
    expect(used['binaryRoundTrip']).toBe(used['structuredRoundTrip']);
    expect(used['fromBinary']).toEqual(used['fromStructured']);
    expect(used['fromStructured'].data.orderId).toBe('6f1c1a8e-6a0e-4e47-9d7a-0d2b8f7f2c11');
    expect(used['binaryHeaders']).toMatchObject({ ce_type: 'com.example.orders.OrderCreated', ce_dataversion: '2', ce_subject: '6f1c1a8e-6a0e-4e47-9d7a-0d2b8f7f2c11', 'content-type': 'application/json' });
  });

  it('upcasts a v1 event to v2, filling the default', () => {
    expect(used['upcast']).toMatchObject({ type: 'com.example.orders.OrderCreated', dataversion: 1 });
    expect(used['upcast'].data).toEqual({
      orderId: '6f1c1a8e-6a0e-4e47-9d7a-0d2b8f7f2c11',
      customerId: 'c-2',
      items: [{ sku: 'SKU-2', quantity: 1, unitPrice: { amount: 99, currency: 'USD' } }],
      total: { amount: 99, currency: 'USD' },
      couponCode: '',
    });
    expect(used['upcastViaCompanion']).toEqual(used['upcast'].data);
    expect(used['decoderKeys']).toEqual(['com.example.orders.OrderCreated@1', 'com.example.orders.OrderCreated@2']);
  });

  it('rejects bad payloads with errors naming the field, on publish and on receive', () => {
    expect(used['invalidCreate'].name).toBe('MessageValidationError');
    expect(used['invalidCreate'].fields).toEqual(['items[0].quantity', 'items[0].unitPrice.currency']);
    expect(used['invalidCreate'].message).toContain('OrderCreated v2 is invalid: items[0].quantity must be >= 1');
    expect(used['missingField'].message).toContain('items must NOT have fewer than 1 items');
    expect([...used['invalidReceived'].fields].sort()).toEqual(['total.amount', 'total.extra']);
    expect(used['invalidReceived'].message).toContain('total.extra is not allowed');
    expect(used['invalidV1Received'].message).toMatch(/^OrderCreated v1 is invalid: /);
    expect(used['invalidV1Received'].fields).toEqual(expect.arrayContaining(['orderId', 'customerId', 'items', 'total']));
    expect(used['validateResult'].ok).toBe(false);
    expect(used['isValid']).toBe(true);
  });

  it('names unknown versions and types', () => {
    expect(used['unknownVersion']).toMatchObject({ name: 'UnknownMessageError' });
    expect(used['unknownVersion'].message).toContain('unknown version 3 of "com.example.orders.OrderCreated" (known: 1, 2)');
    expect(used['unknownType'].message).toContain('unknown message type "com.example.Nope"');
  });
});
