// The payment service's own tables. This file is yours: edasaga created it once and never rewrites it.
// Migrations run in order, once per database (SQLite file or PostgreSQL schema), at start and with
// `npm run migrate`; give each a new id instead of editing one that has run.
import type { Migration } from '../../generated/runtime/index.js';

export const paymentMigrations: readonly Migration[] = [
  {
    id: 'payment-001-payments',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS payments (
        payment_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE,
        customer_id TEXT NOT NULL,
        amount ${d.bigint} NOT NULL,
        currency TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL,
        refunded_at ${d.bigint}
      )`,
    ],
  },
];
