// The generated application's public surface: what your handlers, sagas, tests and scripts import
// (from src/generated/app/index.js), besides the catalog's messages (src/generated/index.js) and the
// runtime (src/generated/runtime/index.js). The files behind it may be split or renamed by later
// versions of edasaga; this entry stays.
export type { AppContext, AppHandler, Sendable } from './context.js';
export { loadConfig, openServiceDb, openTransport, schemaName, sqliteFile, type AppConfig, type Env } from './config.js';
export { SERVICE_NAMES, isServiceName, type ServiceName } from './services.js';
export { migrateAll, startOrExplain, startSystem, stopOnSignals, type RunningSystem, type StartOptions } from './system.js';
export type { DemoScenario, TimelineStep } from './http.js';
export { PROJECT_NAME, DEFAULT_PORT } from './project.js';
