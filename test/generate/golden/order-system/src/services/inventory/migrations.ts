// The inventory service's own tables. This file is yours: edasaga created it once and never rewrites it.
// Migrations run in order, once per database (SQLite file or PostgreSQL schema), at start and with
// `npm run migrate`; give each a new id instead of editing one that has run. Write portable SQL, or
// branch on `dialect.name` ('sqlite' | 'postgres').
import type { Migration } from '../../generated/runtime/index.js';

export const inventoryMigrations: readonly Migration[] = [];
