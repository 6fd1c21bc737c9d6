// The JSON Schemas edasaga validates with: its own language schemas (schemas/*.schema.json) and the
// meta-schemas that payload schemas are checked against. Compiled once at build time into
// standalone validators (scripts/build.mjs) so `validate` never compiles a schema at startup.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VALIDATOR_NAMES = ['catalog', 'saga', 'meta-2020-12', 'meta-draft-07'] as const;
export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

export const META_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
export const META_DRAFT_07 = 'http://json-schema.org/draft-07/schema';

/** Root of the installed package; re-exported from its one definition. */
export { packageRoot } from '../core/package-root.js';

export function languageSchemaPath(name: 'catalog' | 'saga', schemasDir?: string): string {
  return schemasDir ? join(schemasDir, `${name}.schema.json`) : fileURLToPath(new URL(`../../schemas/${name}.schema.json`, import.meta.url));
}

const cache = new Map<string, unknown>();

/** The parsed language schema (used to explain errors: known property names, pattern hints). */
export function languageSchema(name: 'catalog' | 'saga', schemasDir?: string): unknown {
  const key = `${schemasDir ?? ''}:${name}`;
  let s = cache.get(key);
  if (s === undefined) {
    s = JSON.parse(readFileSync(languageSchemaPath(name, schemasDir), 'utf8')) as unknown;
    cache.set(key, s);
  }
  return s;
}
