// Compiles payload schemas into ajv STANDALONE validator modules (precompiled: no schema is compiled
// when a service starts). ajv emits `require()` calls for its runtime helpers (ucs2length, formats
// that are functions); they are rewritten to ESM imports so every module is self-contained ESM.
// Used in-process for small catalogs and from worker threads for big ones (see precompile.ts).
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv, type Options } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import formatsModule from 'ajv-formats/dist/formats.js';
import type { JsonSchema } from '../model/types.js';

// Both are CommonJS modules whose function is the default export; under NodeNext the default
// import is the module object, so take `.default` when it is there.
type AddFormats = ((ajv: Ajv, formats?: readonly string[]) => Ajv) & { readonly fullFormats?: unknown };
type StandaloneCode = (ajv: Ajv, refs: Record<string, string>) => string;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;
const standaloneCode = ((standaloneCodeModule as unknown as { default?: StandaloneCode }).default ??
  standaloneCodeModule) as unknown as StandaloneCode;

const OPTIONS: Options = {
  code: { source: true, esm: true, lines: true },
  // The payloads were checked against their meta-schema by `edasaga validate`'s rules already; doing
  // it again here would compile the meta-schema in every (fresh) instance: 3x the CPU time.
  validateSchema: false,
  // ...and without validation the meta-schemas are not needed at all (adding them is 0.3 ms per instance).
  meta: false,
  // A format ajv-formats does not know is reported by `edasaga validate`; ajv would only log it.
  logger: false,
  allErrors: true,
  // Catalog schemas may carry keywords ajv does not know (x-*, nullable, OpenAPI leftovers); they
  // are validated by `edasaga validate`, so ajv's strict mode would only duplicate that, badly.
  strict: false,
  allowUnionTypes: true,
};

const require = createRequire(import.meta.url);
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;
const FORMATS_VERSION = (require('ajv-formats/package.json') as { version: string }).version;

/** Bump when the shape of the emitted module changes, so modules on disk are not reused. */
const MODULE_FORMAT = 2;

/**
 * What a validator module is a function of: the job, ajv's and ajv-formats' versions, our options and
 * the module format.
 * Stored in the manifest, it lets `generate` reuse a module on disk instead of compiling it again.
 */
export function jobHash(job: ValidatorJob): string {
  return createHash('sha256').update(`${MODULE_FORMAT}\n${AJV_VERSION}\n${FORMATS_VERSION}\n${JSON.stringify(OPTIONS)}\n${JSON.stringify(job)}`).digest('hex');
}

/** One message's validators to compile: self-contained schemas (already bundled), by version. */
export interface ValidatorJob {
  readonly name: string;
  readonly draft07: boolean;
  readonly schemas: readonly { readonly version: number; readonly schema: JsonSchema }[];
}

/**
 * A fresh ajv instance per message: ajv numbers the functions it generates across an instance
 * (validate10, validate20, ...), so sharing one would make a message's module depend on which
 * messages were compiled before it, and every catalog change would rewrite every validator.
 * A fresh instance costs about 0.5 ms and also keeps memory flat on big catalogs.
 */
export class ValidatorCompiler {
  private instance(job: ValidatorJob): Ajv {
    const ajv = job.draft07 ? new Ajv(OPTIONS) : (new Ajv2020(OPTIONS) as unknown as Ajv);
    // Only the formats the job uses: adding all of them is most of an instance's cost.
    const used = formatsOf(job).filter((f) => KNOWN_FORMATS.has(f));
    return used.length === 0 ? ajv : addFormats(ajv, used);
  }

  /** The ESM module text exporting `v<version>` for every schema of the job. */
  compile(job: ValidatorJob): string {
    const ajv = this.instance(job);
    const refs: Record<string, string> = {};
    for (const { version, schema } of job.schemas) {
      const id = `urn:edasaga:message:${job.name}:v${version}`;
      ajv.addSchema(typeof schema === 'boolean' ? schema : { ...schema, $id: id }, typeof schema === 'boolean' ? id : undefined);
      refs[`v${version}`] = id;
    }
    return toSelfContainedEsm(standaloneCode(ajv, refs));
  }
}

const KNOWN_FORMATS = new Set(Object.keys((formatsModule as { fullFormats: Record<string, unknown> }).fullFormats));

/** Every `format` value in the job's schemas (a superset is fine: only known names are added). */
function formatsOf(job: ValidatorJob): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'format' && typeof value === 'string') found.add(value);
        visit(value);
      }
    }
  };
  for (const { schema } of job.schemas) visit(schema);
  return [...found].sort();
}

/** Hoists ajv's `require("pkg/path")` calls to the top of an ES module, through createRequire. */
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
  // ajv's helpers are CommonJS. `require` gives their module.exports under every loader, whereas a
  // default import means module.exports in Node but `exports.default` under bundler-style interop
  // (vitest, esbuild), which broke the validators there.
  const header =
    imports.size === 0
      ? ''
      : `import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n` +
        [...imports].map(([specifier, local]) => `const ${local} = require(${JSON.stringify(specifier)});\n`).join('');
  return `${header}${body.replace(/^"use strict";/, '')}\n`;
}
