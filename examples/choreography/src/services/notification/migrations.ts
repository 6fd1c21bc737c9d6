// The notification service's own tables. This file is yours: edasaga created it once and never rewrites it.
import type { Migration } from '../../generated/runtime/index.js';

export const notificationMigrations: readonly Migration[] = [
  {
    id: 'notification-001-notifications',
    statements: (d) => [
      `CREATE TABLE IF NOT EXISTS notifications (
        order_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        message_id TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at ${d.bigint} NOT NULL,
        PRIMARY KEY (order_id, kind)
      )`,
    ],
  },
];
