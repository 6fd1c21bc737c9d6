// Loads the validators precompiled at build time (dist/schema/generated/*.cjs). When running the
// TypeScript sources (tests, bin/dev.js) there is no build output, so they are compiled on first use.

import { createRequire } from 'node:module';
import type { ValidatorName } from './validator-specs.js';
import { languageSchema, META_2020_12, META_DRAFT_07 } from './validator-specs.js';

export interface ValidationError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

export type CompiledValidator = ((data: unknown) => boolean) & { errors?: ValidationError[] | null };

const require = createRequire(import.meta.url);
const loaded = new Map<ValidatorName, CompiledValidator>();
const runningFromSources = import.meta.url.endsWith('.ts');

export function getValidator(name: ValidatorName): CompiledValidator {
  let v = loaded.get(name);
  if (v) return v;
  if (runningFromSources) {
    v = compileValidator(name).validate;
  } else {
    // Relative to dist/schema/ and to the bundle in dist/cli/ alike.
    const mod = require(`../schema/generated/${name}.cjs`) as CompiledValidator | { default: CompiledValidator };
    v = typeof mod === 'function' ? mod : mod.default;
  }
  loaded.set(name, v);
  return v;
}

interface AjvInstance {
  compile(schema: unknown): CompiledValidator;
  getSchema(id: string): CompiledValidator | undefined;
}
type AjvCtor = new (opts: Record<string, unknown>) => AjvInstance;

function ajvFor(name: ValidatorName, source: boolean): AjvInstance {
  const code = source ? { code: { source: true } } : {};
  if (name === 'meta-2020-12') {
    const Ajv2020 = (require('ajv/dist/2020.js') as { default: AjvCtor }).default;
    return new Ajv2020({ allErrors: true, strict: false, validateFormats: false, ...code });
  }
  const Ajv = (require('ajv') as { default: AjvCtor }).default;
  // The language schemas are ours: strict mode catches mistakes in them.
  const strict = name === 'catalog' || name === 'saga';
  return new Ajv({ allErrors: true, strict, allowUnionTypes: true, validateFormats: false, ...code });
}

/** `schemasDir`: where the language schemas are (default: the package's schemas/). */
export function compileValidator(name: ValidatorName, source = false, schemasDir?: string): { validate: CompiledValidator; ajv: unknown } {
  const ajv = ajvFor(name, source);
  let validate: CompiledValidator | undefined;
  if (name === 'meta-2020-12') validate = ajv.getSchema(META_2020_12);
  else if (name === 'meta-draft-07') validate = ajv.getSchema(META_DRAFT_07);
  else validate = ajv.compile(languageSchema(name, schemasDir));
  if (!validate) throw new Error(`edasaga internal error: no validator for ${name}`);
  return { validate, ajv };
}
