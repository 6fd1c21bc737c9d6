// Where everything goes in a generated project. Generated code lives under src/generated/ and is
// owned by edasaga; user code lives beside it and is only ever created or extended. The project
// emitter imports these so that every emitter agrees on the layout.
import { pathSegment } from './names.js';

export const MANIFEST_PATH = '.edasaga/manifest.json';
/**
 * Everything edasaga owns in a generated project lives under this one folder (the runtime, the
 * messages, the wiring, the entry points, the scripts and the docs); everything outside it is the
 * user's (handlers, migrations, saga builders, tests, package.json, README).
 */
export const GENERATED_DIR = 'src/generated';
/** The runtime (src/runtime of edasaga), copied verbatim by the project emitter; its public entry is index.ts. */
export const RUNTIME_DIR = `${GENERATED_DIR}/runtime`;

export const layout = {
  index: `${GENERATED_DIR}/index.ts`,
  support: `${GENERATED_DIR}/support.ts`,
  definitions: `${GENERATED_DIR}/definitions.ts`,
  registry: `${GENERATED_DIR}/registry.ts`,
  message: (message: string) => `${GENERATED_DIR}/messages/${pathSegment(message)}.ts`,
  /** The ajv standalone validators of every version of a message (ESM JavaScript) ... */
  validator: (message: string) => `${GENERATED_DIR}/validators/${pathSegment(message)}.js`,
  /** ... and their declarations, so TypeScript sees typed exports. */
  validatorTypes: (message: string) => `${GENERATED_DIR}/validators/${pathSegment(message)}.d.ts`,
  upcaster: (message: string) => `${GENERATED_DIR}/upcasters/${pathSegment(message)}.ts`,
  serviceContract: (service: string) => `${GENERATED_DIR}/services/${pathSegment(service)}.ts`,
  /** User-owned: hand-written upcasters for changes that are not mechanical. */
  userUpcaster: (message: string) => `src/upcasters/${pathSegment(message)}.ts`,
  /** User-owned: a service's message handlers. */
  handlers: (service: string) => `src/services/${pathSegment(service)}/handlers.ts`,
} as const;
