// The inventory service's own tables. This file is yours: edasaga created it once and never rewrites it.
// Migrations run in order, once per database (SQLite file or PostgreSQL schema), at start and with
// `npm run migrate`; give each a new id instead of editing one that has run.
import type { Migration } from '../../generated/runtime/index.js';

export const inventoryMigrations: readonly Migration[] = [
  {
    id: 'inventory-001-stock-and-reservations',
    statements: (d) => [
      'CREATE TABLE IF NOT EXISTS stock (sku TEXT PRIMARY KEY, available INTEGER NOT NULL)',
      `CREATE TABLE IF NOT EXISTS reservations (
        reservation_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL,
        released_at ${d.bigint}
      )`,
      `CREATE TABLE IF NOT EXISTS reservation_items (
        reservation_id TEXT NOT NULL REFERENCES reservations (reservation_id),
        sku TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        PRIMARY KEY (reservation_id, sku)
      )`,
    ],
  },
  {
    id: 'inventory-002-seed-stock',
    // A few SKUs with known stock, for trying things out; replace with your catalogue.
    statements: () => [
      "INSERT INTO stock (sku, available) VALUES ('SKU-1', 1000000), ('SKU-2', 1000000), ('SKU-3', 1000000), ('LIMITED-1', 5) ON CONFLICT (sku) DO NOTHING",
    ],
  },
];
