// Emits standalone validator code for scripts/build.mjs.

import { createRequire } from 'node:module';
import type { ValidatorName } from './validator-specs.js';
import { compileValidator } from './validators.js';

const require = createRequire(import.meta.url);

/** CommonJS source of a standalone validator (CommonJS because ajv's standalone code `require`s its runtime). */
export function standaloneSource(name: ValidatorName, schemasDir?: string): string {
  const { validate, ajv } = compileValidator(name, true, schemasDir);
  const standaloneCode = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string }).default;
  return standaloneCode(ajv, validate);
}
