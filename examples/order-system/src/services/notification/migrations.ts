// The notification service's own tables. This file is yours: edasaga created it once and never rewrites it.
import type { Migration } from '../../generated/runtime/index.js';

export const notificationMigrations: readonly Migration[] = [
  {
    id: 'notification-001-notifications',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS notifications (
        message_id TEXT PRIMARY KEY,
        order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL
      )`,
      'CREATE INDEX IF NOT EXISTS notifications_order ON notifications (order_id)',
    ],
  },
];
