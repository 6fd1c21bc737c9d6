// One mistake gets one error (issue 13): a misspelt correlation key was reported once per message
// of the saga (18 errors for the example); it is reported once, where it is written, with the
// property it most likely meant. A key that only some messages lack is still reported at each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectFromSources } from '../../src/project/load.js';

const ROOT = join(import.meta.dirname, '../..');
const CATALOG_FILE = join(ROOT, 'examples/order-system/catalog.yaml');
const SAGA_FILE = join(ROOT, 'examples/order-system/sagas/order-saga.yaml');
const CATALOG = readFileSync(CATALOG_FILE, 'utf8');
const SAGA = readFileSync(SAGA_FILE, 'utf8');

function load(saga: string, catalog = CATALOG) {
  return loadProjectFromSources({ catalog: { path: CATALOG_FILE, text: catalog }, sagas: [{ path: SAGA_FILE, text: saga }] });
}

describe('the correlation key', () => {
  it('misspelt: one error at `correlationKey`, with did-you-mean', () => {
    const saga = SAGA.replace('correlationKey: orderId', 'correlationKey: orderid');
    const line = saga.split('\n').findIndex((l) => l.includes('correlationKey: orderid')) + 1;
    const { diagnostics } = load(saga);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        code: 'E_CORRELATION_KEY',
        file: SAGA_FILE,
        line,
        col: saga.split('\n')[line - 1]!.indexOf('orderid') + 1,
        message: 'correlation key "orderid" of saga "OrderSaga" is not a payload property of any of its 18 messages',
        hint: 'did you mean "orderId"?',
      }),
    ]);
  });

  it('nothing like any property: one error, listing what every message has', () => {
    const { diagnostics } = load(SAGA.replace('correlationKey: orderId', 'correlationKey: zzz'));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'E_CORRELATION_KEY', hint: 'properties all of them have: orderId' });
  });

  it('missing from one message only: the error is at that message', () => {
    const catalog = CATALOG.replace(
      /(  PaymentFailed:[\s\S]*?required: \[)orderId, ([\s\S]*?properties:\n)\s*orderId: \{[^}]*\}\n/,
      (_, a: string, b: string) => `${a}${b}`,
    );
    expect(catalog).not.toEqual(CATALOG);
    const { diagnostics } = load(SAGA, catalog);
    const codes = diagnostics.filter((d) => d.code === 'E_CORRELATION_KEY');
    expect(codes).toEqual([expect.objectContaining({ message: 'correlation key "orderId" of saga "OrderSaga" is missing from the payload of message "PaymentFailed"' })]);
    expect(SAGA.split('\n')[codes[0]!.line! - 1]).toContain('PaymentFailed');
  });
});
