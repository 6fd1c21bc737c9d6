// What `npm run demo` places through the HTTP API. This file is yours: edasaga created it once.
// Each scenario is a request body for POST /orders and the status it should end in.
import type { DemoScenario } from '../src/generated/app/index.js';

const address = { line1: 'Main Street 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const eur = (amount: number) => ({ amount, currency: 'EUR' });

export const scenarios: readonly DemoScenario[] = [
  {
    name: 'Happy path: paid, reserved, shipped, confirmed',
    body: { customerId: 'alice', items: [{ sku: 'SKU-1', quantity: 2, unitPrice: eur(1500) }], total: eur(3000), shippingAddress: address },
    expect: 'CONFIRMED',
  },
  {
    name: 'Compensation: paid, then out of stock (OOS- SKU), so payment refunds and order cancels, each on that event',
    body: { customerId: 'bob', items: [{ sku: 'OOS-42', quantity: 1, unitPrice: eur(4200) }, { sku: 'SKU-2', quantity: 1, unitPrice: eur(800) }], total: eur(5000), shippingAddress: address },
    expect: 'CANCELLED',
  },
  {
    name: 'Compensation: paid and reserved, but no delivery to Antarctica (AQ is not in SHIP_TO_COUNTRIES), so inventory releases the stock, then payment refunds',
    body: { customerId: 'dave', items: [{ sku: 'SKU-2', quantity: 3, unitPrice: eur(1200) }], total: eur(3600), shippingAddress: { line1: 'McMurdo Station', city: 'Ross Island', postalCode: '96599', country: 'AQ' } },
    expect: 'CANCELLED',
  },
  {
    name: 'Payment declined (total above PAYMENT_DECLINE_ABOVE, default 1,000.00): cancelled, nothing to undo',
    body: { customerId: 'carol', items: [{ sku: 'SKU-3', quantity: 1, unitPrice: eur(250000) }], total: eur(250000) },
    expect: 'CANCELLED',
  },
];
