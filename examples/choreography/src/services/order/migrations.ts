// The order service's own tables. This file is yours: edasaga created it once and never rewrites it.
// (The flow's timeline, edasaga_flows and edasaga_flow_events, is the generated tracker's.)
import type { Migration } from '../../generated/runtime/index.js';

export const orderMigrations: readonly Migration[] = [
  {
    id: 'order-001-orders',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS orders (
        order_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        reason TEXT,
        decided_at ${d.bigint} NOT NULL
      )`,
    ],
  },
];
