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
  /** The app's public entry (fixed): what user code imports from the generated app. */
  appIndex: `${APP_DIR}/index.ts`,
  /** The catalog's name and the HTTP port, for the fixed files. */
  project: `${APP_DIR}/project.ts`,
  sagaSupport: `${APP_DIR}/saga-support.ts`,
  // The entry points package.json runs (npm start, npm run migrate, npm run start:<service>, ...).
  main: 'src/generated/main.ts',
  migrate: 'src/generated/migrate.ts',
  serviceMain: (service: string) => `src/generated/mains/${pathSegment(service)}.ts`,
  startDev: 'src/generated/scripts/start-dev.mjs',
  build: 'src/generated/scripts/build.mjs',
  demo: 'src/generated/scripts/demo.ts',
  tsconfigBuild: 'src/generated/tsconfig.build.json',
  docs: (name: string) => `src/generated/docs/${name}`,
  serviceMigrations: (service: string) => `src/services/${pathSegment(service)}/migrations.ts`,
} as const;
