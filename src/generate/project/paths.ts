// Where the project emitter puts its files (the messaging emitter's layout is in ../layout.ts).
import { pathSegment } from '../names.js';

/** Generated wiring of the runnable system. */
export const APP_DIR = 'src/generated/app';

export const projectPaths = {
  context: `${APP_DIR}/context.ts`,
  config: `${APP_DIR}/config.ts`,
  services: `${APP_DIR}/services.ts`,
  system: `${APP_DIR}/system.ts`,
  http: `${APP_DIR}/http.ts`,
  topicPrefix: `${APP_DIR}/topic-prefix.ts`,
  main: 'src/main.ts',
  migrate: 'src/migrate.ts',
  serviceMain: (service: string) => `src/services/${pathSegment(service)}/main.ts`,
  serviceMigrations: (service: string) => `src/services/${pathSegment(service)}/migrations.ts`,
} as const;
