// src/generated/validators/<message>.js: ajv standalone validators, one export per version (`v1`,
// `v2`, ...), and a `.d.ts` beside it so TypeScript sees typed exports.
import type { JsonSchema, Message } from '../../model/types.js';
import type { EmitContext, PlannedFile } from '../plan.js';
import { stripAnnotations } from '../bundle.js';
import { layout } from '../layout.js';
import type { ValidatorJob } from '../validator-compile.js';

function isDraft07(schema: JsonSchema): boolean {
  return typeof schema === 'object' && typeof schema['$schema'] === 'string' && schema['$schema'].includes('draft-07');
}

/** The instance's draft is chosen by the Ajv class; a `$schema` it does not know would make it throw. */
function withoutSchemaKeyword(schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean') return schema;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}

/** What to compile for a message: its payloads bundled, without annotations (ajv embeds the schema). */
export function validatorJob(message: Message, ctx: EmitContext): ValidatorJob {
  return {
    name: message.name,
    // Like the rest of edasaga: draft-07 when a payload says so, 2020-12 otherwise.
    draft07: message.versions.every((v) => isDraft07(v.payload)),
    schemas: message.versions.map((v) => ({ version: v.version, schema: withoutSchemaKeyword(stripAnnotations(ctx.bundle(v.payload))) })),
  };
}

function declarations(message: Message): string {
  return `import type { CompiledValidator } from '../support.js';\n\n${message.versions
    .map((v) => `/** Validates version ${v.version} of the ${message.name} payload. */\nexport declare const v${v.version}: CompiledValidator;\n`)
    .join('')}`;
}

/** `compiled` gives a message's module text and input hash (compiled here, by workers, or reused). */
export function emitValidators(message: Message, compiled: (message: Message) => { readonly content: string; readonly inputHash: string }): PlannedFile[] {
  const { content, inputHash } = compiled(message);
  return [
    { path: layout.validator(message.name), ownership: 'generated', content, inputHash },
    { path: layout.validatorTypes(message.name), ownership: 'generated', content: declarations(message) },
  ];
}
