// npm run migrate: creates or updates every service's tables (one SQLite file or one PostgreSQL
// schema per service). Each migration runs once; running this again changes nothing.
import { migrateAll } from './app/system.js';
import { createLogger } from './runtime/index.js';
import { isServiceName, type ServiceName } from './app/services.js';

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !isServiceName(name));
if (unknown.length > 0) {
  console.error(`unknown service(s): ${unknown.join(', ')}`);
  process.exit(2);
}
// A database that does not answer yet (starting, restarting) is waited for, as the services do.
const waitWith = createLogger({ name: 'migrate' });
const applied = await migrateAll({ waitWith, ...(wanted.length > 0 ? { services: wanted as ServiceName[] } : {}) });
for (const [service, ids] of applied) {
  console.log(`${service.padEnd(14)} ${ids.length === 0 ? 'up to date' : `applied ${ids.join(', ')}`}`);
}
