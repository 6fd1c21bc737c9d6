// The analytics service's own tables. This file is yours: edasaga created it once and never rewrites it.
import type { Migration } from '../../generated/runtime/index.js';

export const analyticsMigrations: readonly Migration[] = [
  {
    id: 'analytics-001-order-facts',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS order_facts (
        order_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        item_count INTEGER NOT NULL,
        amount ${d.bigint} NOT NULL,
        currency TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL
      )`,
    ],
  },
];
