// The shipping service's own tables. This file is yours: edasaga created it once and never rewrites it.
import type { Migration } from '../../generated/runtime/index.js';

export const shippingMigrations: readonly Migration[] = [
  {
    id: 'shipping-001-shipments',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS shipments (
        shipment_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        carrier TEXT,
        created_at ${d.bigint} NOT NULL
      )`,
    ],
  },
];
