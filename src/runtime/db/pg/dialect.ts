// PostgreSQL's side of the few places where the runtime's SQL differs between the databases.
import type { Dialect } from '../port.js';

export const postgresDialect: Dialect = {
  name: 'postgres',
  serialPrimaryKey: 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY',
  bigint: 'BIGINT',
  clusteredTableSuffix: '',
  claimSuffix: ' FOR UPDATE SKIP LOCKED',
  rowLockSuffix: ' FOR UPDATE',
  jsonFieldEquals: (column, field) => `((${column})::jsonb -> '${field.replace(/[^A-Za-z0-9_]/g, '')}') = (?)::jsonb`,
};
