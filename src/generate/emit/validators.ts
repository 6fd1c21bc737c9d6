// src/generated/validators/<message>.js: ajv STANDALONE validators, one export per version (`v1`,
// `v2`, ...), precompiled here so that no schema is compiled when a service starts. ajv emits
// `require()` calls for its runtime helpers (ucs2length, formats that are functions); they are
// rewritten to ESM imports so the module is self-contained ESM. A `.d.ts` beside it types the exports.
import { Ajv, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import type { JsonSchema, Message } from '../../model/types.js';
import type { EmitContext, PlannedFile } from '../plan.js';
import { stripAnnotations } from '../bundle.js';
import { layout } from '../layout.js';

// Both are CommonJS modules whose function is the default export; under NodeNext the default
// import is the module object, so take `.default` when it is there.
type AddFormats = (ajv: Ajv) => Ajv;
type StandaloneCode = (ajv: Ajv, refs: Record<string, string>) => string;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
const standaloneCode = ((standaloneCodeModule as unknown as { default?: StandaloneCode }).default ??
  standaloneCodeModule) as unknown as StandaloneCode;

const OPTIONS: Options = {
  code: { source: true, esm: true, lines: true },
  allErrors: true,
  // Catalog schemas may carry keywords ajv does not know (x-*, nullable, OpenAPI leftovers); they
  // are validated by `edasaga validate`, so ajv's strict mode would only duplicate that, badly.
  strict: false,
  allowUnionTypes: true,
};

export interface ValidatorCompiler {
  readonly draft07: Ajv;
  readonly draft2020: () => Ajv;
}

export function newValidatorCompiler(): ValidatorCompiler {
  let ajv2020: Ajv | undefined;
  const make = (ajv: Ajv) => addFormats(ajv);
  return {
    draft07: make(new Ajv(OPTIONS)),
    draft2020: () => (ajv2020 ??= make(new Ajv2020(OPTIONS) as unknown as Ajv)),
  };
}

function isDraft07(schema: JsonSchema): boolean {
  return typeof schema === 'object' && typeof schema['$schema'] === 'string' && schema['$schema'].includes('draft-07');
}

/** The instance's draft is chosen by the Ajv class; a `$schema` it does not know would make it throw. */
function withoutSchemaKeyword(schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean') return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

function schemaId(message: Message, version: number): string {
  return `urn:edasaga:message:${message.name}:v${version}`;
}

/** Rewrites `require("pkg/path")` to a hoisted ESM import of `pkg/path.js`. */
export function toSelfContainedEsm(code: string): string {
  const imports = new Map<string, string>();
  const body = code.replace(/require\("([^"]+)"\)/g, (_match, specifier: string) => {
    const withExtension = /\.[cm]?js$/.test(specifier) ? specifier : `${specifier}.js`;
    let local = imports.get(withExtension);
    if (local === undefined) {
      local = `runtime${imports.size}`;
      imports.set(withExtension, local);
    }
    return local;
  });
  const header = [...imports].map(([specifier, local]) => `import ${local} from ${JSON.stringify(specifier)};\n`).join('');
  return `${header}${body.replace(/^"use strict";/, '')}\n`;
}

function declarations(message: Message): string {
  return `import type { CompiledValidator } from '../support.js';\n\n${message.versions
    .map((v) => `/** Validates version ${v.version} of the ${message.name} payload. */\nexport declare const v${v.version}: CompiledValidator;\n`)
    .join('')}`;
}

export function emitValidators(message: Message, ctx: EmitContext, compiler: ValidatorCompiler): PlannedFile[] {
  // Annotations are dropped: they would only bloat the module (ajv embeds the schema).
  const schemas = message.versions.map((v) => ({ version: v.version, schema: withoutSchemaKeyword(stripAnnotations(ctx.bundle(v.payload))) }));
  // Like the rest of edasaga: draft-07 when a payload says so, 2020-12 otherwise.
  const ajv = message.versions.every((v) => isDraft07(v.payload)) ? compiler.draft07 : compiler.draft2020();
  const refs: Record<string, string> = {};
  for (const { version, schema } of schemas) {
    const id = schemaId(message, version);
    if (ajv.getSchema(id) === undefined) {
      ajv.addSchema(typeof schema === 'boolean' ? schema : { ...schema, $id: id }, typeof schema === 'boolean' ? id : undefined);
    }
    refs[`v${version}`] = id;
  }
  const code = standaloneCode(ajv, refs);
  // Keep the compiler's memory flat across big catalogs: these schemas are not needed again.
  for (const id of Object.values(refs)) ajv.removeSchema(id);
  return [
    { path: layout.validator(message.name), ownership: 'generated', content: toSelfContainedEsm(code) },
    { path: layout.validatorTypes(message.name), ownership: 'generated', content: declarations(message) },
  ];
}
