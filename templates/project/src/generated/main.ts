// npm start: every service in this one process (SQLite and the in-process transport by default;
// see README.md for PostgreSQL and the brokers). Stops cleanly on Ctrl-C.
import { createLogger } from './runtime/index.js';
import { PROJECT_NAME } from './app/project.js';
import { startOrExplain, stopOnSignals } from './app/system.js';

const logger = createLogger({ name: PROJECT_NAME });
const system = await startOrExplain({}, logger);
stopOnSignals(system, logger);
logger.info({ services: [...system.services.keys()], http: system.http?.url ?? null }, 'system started');
