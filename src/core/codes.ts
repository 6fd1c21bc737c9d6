// Every diagnostic code edasaga reports, with what it means: one registry, like check-compat's
// RULES. `Diagnostic.code` only takes these, docs/diagnostics.md documents each one (a test keeps
// the two in step) and the fuzz test checks that every `position` code it sees carries a line and
// a column.
//
// - `exit`: what a command exits with when it reports the code (an error: 2, invalid input; a
//   warning: 0). Findings about valid input (an incompatible change, stale generated files) exit 1
//   and are not diagnostics.
// - `where`: `position` codes point at the line and column of the mistake; `file` codes are about
//   a file as a whole (it does not exist, it is too big) and name only the file; `none` codes are
//   about the command line or the output folder, not about an input file.

export type CodeArea = 'file' | 'yaml' | 'structure' | 'names' | 'catalog' | 'saga' | 'payload' | 'refs' | 'generate' | 'init' | 'asyncapi' | 'compat' | 'usage';

export interface CodeInfo {
  readonly area: CodeArea;
  readonly exit: 0 | 2;
  readonly where: 'position' | 'file' | 'none';
  /** One line for docs/diagnostics.md (the test compares it with the table). */
  readonly summary: string;
}

const error = (area: CodeArea, summary: string, where: CodeInfo['where'] = 'position'): CodeInfo => ({ area, exit: 2, where, summary });
const warning = (area: CodeArea, summary: string): CodeInfo => ({ area, exit: 0, where: 'position', summary });

export const CODES = {
  // ---- reading a file (src/loader) ----
  E_FILE_NOT_FOUND: error('file', 'the file does not exist', 'file'),
  E_NOT_A_FILE: error('file', 'a directory (or device) where a file was expected', 'file'),
  E_FILE_UNREADABLE: error('file', 'the file exists but cannot be read (permissions)', 'file'),
  E_FILE_TOO_LARGE: error('file', 'larger than the size limit (5 MiB)', 'file'),
  E_BINARY_FILE: error('file', 'a NUL byte or bytes that are not UTF-8, at the first of them'),
  E_EMPTY_FILE: error('file', 'nothing but whitespace and comments'),
  E_NESTING_TOO_DEEP: error('file', 'mappings and lists nested deeper than 100 levels; also a chain of more than 64 `{ $ref }`-only schemas, or (check-compat) schemas whose comparison nests more than 300 levels through their `$ref`s'),

  // ---- YAML (src/loader) ----
  E_YAML_SYNTAX: error('yaml', 'not valid YAML (also: several documents in one file, a merge key that is not a mapping)'),
  E_YAML_DUPLICATE_KEY: error('yaml', 'a key appears twice in one mapping'),
  E_YAML_ALIAS_LIMIT: error('yaml', 'too many alias expansions (an "alias bomb")'),
  E_YAML_TAG: error('yaml', 'a custom YAML tag (`!foo`); only plain data is accepted'),
  E_YAML_COMPLEX_KEY: error('yaml', 'a mapping or list used as a key'),
  E_FORBIDDEN_KEY: error('yaml', 'a `__proto__`, `constructor` or `prototype` key'),
  W_YAML: warning('yaml', 'something the YAML parser warns about (e.g. an unknown directive)'),

  // ---- the structure of the language (schemas/, src/validate/structural.ts) ----
  E_WRONG_FILE_KIND: error('structure', 'a saga passed as the catalog, or the catalog passed as a saga'),
  E_UNKNOWN_PROPERTY: error('structure', 'a key the language does not have (with did-you-mean)'),
  E_MISSING_PROPERTY: error('structure', 'a required key is missing'),
  E_WRONG_TYPE: error('structure', 'a value of the wrong type'),
  E_INVALID_VALUE: error('structure', 'a value outside what is allowed (enum, pattern, range, duration)'),

  // ---- names (src/names) ----
  E_INVALID_NAME: error('names', 'a name that cannot become an identifier or file name, or that the generated code uses already'),
  E_DUPLICATE_NAME: error('names', 'names that collide (case-insensitively, kebab vs camel, or as the TypeScript names they generate)'),

  // ---- the catalog (src/validate/catalog-rules.ts) ----
  E_UNKNOWN_SERVICE: error('catalog', 'a service that is not in the catalog'),
  E_UNKNOWN_MESSAGE: error('catalog', 'a message that is not in the catalog'),
  E_UNKNOWN_VERSION: error('catalog', '`deprecated.since` or `acceptedBreaks[].version` names a missing version'),
  E_VERSION_NUMBERING: error('catalog', 'versions not numbered 1..n'),
  E_WRONG_KIND: error('catalog', 'a message of the wrong kind for its place'),
  E_ORDERING_KEY: error('catalog', 'the ordering key is not a payload property'),
  W_ORDERING_KEY_OPTIONAL: warning('catalog', 'the ordering key is not required'),
  W_UNUSED_DEFINITION: warning('catalog', 'a shared definition no payload references'),
  W_UNUSED_SERVICE: warning('catalog', 'a service that owns no message and subscribes to nothing'),
  W_DEPRECATED_MESSAGE: warning('catalog', 'a saga or subscription uses a deprecated message'),

  // ---- sagas (src/validate/saga-rules.ts) ----
  E_PARTICIPANT_MISMATCH: error('saga', "a step's message is not handled/produced by its participant"),
  E_WRONG_OWNER: error('saga', 'an `onCompleted`/`onCompensated` event not owned by the orchestrator'),
  E_AMBIGUOUS_REPLY: error('saga', 'one reply awaited by two steps'),
  E_CORRELATION_KEY: error('saga', 'the correlation key is missing from a message of the saga (from all of them: reported once, at the key)'),
  E_INVALID_DURATION: error('saga', 'a duration out of range'),
  E_UNKNOWN_REACTION: error('saga', "a choreography reaction's `compensation` names no reaction of the choreography"),
  // ---- choreographies (src/validate/choreography-paths.ts; rule ids CHOREO001.. in docs/language.md) ----
  E_CHOREO_UNHANDLED_FAILURE: error('saga', 'CHOREO001: a failure event that leads to no compensation and no terminal event'),
  E_CHOREO_NOT_UNDONE: error('saga', 'CHOREO002: a reaction that took effect is not undone on a path that ends compensated'),
  E_CHOREO_DEAD_END: error('saga', 'CHOREO003: a path that stops, or ends in listeners, without a terminal event'),
  E_CHOREO_LOOP: error('saga', 'CHOREO004: a path on which an event causes itself again'),
  E_CHOREO_CONFLICT: error('saga', 'CHOREO005: two reactions of one service on the same event'),
  E_CHOREO_NEVER_PUBLISHED: error('saga', 'CHOREO006: a reaction on (or a terminal) event no reaction publishes and that does not start the flow'),
  E_CHOREO_TERMINAL_TWICE: error('saga', 'CHOREO007: a terminal event reached twice on one path (or two terminal events)'),
  E_CHOREO_TOO_MANY_PATHS: error('saga', 'CHOREO008: more paths than the check explores (10,000) or one longer than 200 reactions'),
  E_MISSING_SECTION: error('structure', 'a saga file with neither `saga:` nor `choreography:`, or with both'),
  W_TIMEOUT_BELOW_REDELIVERY: warning('saga', "a step timeout shorter than twice the chosen transport's redelivery bound (src/validate/timeout-rules.ts)"),

  // ---- payload schemas (src/validate/payload-rules.ts) ----
  E_INVALID_PAYLOAD_SCHEMA: error('payload', 'a payload schema that is not valid JSON Schema for its dialect'),
  E_SCHEMA_DIALECT: error('payload', 'an unsupported `$schema`'),
  E_UNKNOWN_KEYWORD: error('payload', 'a misspelt JSON Schema keyword, or one of the other draft'),
  W_UNKNOWN_KEYWORD: warning('payload', 'an unknown keyword (not `x-` prefixed) that validation ignores'),
  W_UNKNOWN_FORMAT: warning('payload', 'a `format` the generated validators do not check'),

  // ---- references (src/schema/refs.ts) ----
  E_UNRESOLVED_REF: error('refs', 'a `$ref` that does not resolve locally'),
  E_REMOTE_REF: error('refs', 'a `$ref` to a URL (never fetched)'),
  E_REF_CYCLE: error('refs', '`$ref`s that only point at each other, or a schema that applies itself to the same value (through `allOf`, `anyOf`, ...)'),
  E_REF_OUTSIDE_PROJECT: error('refs', "a `$ref` to a file outside the catalog's folder (`../../etc/passwd`; for AsyncAPI import the document's, for `check-compat --old/--new` the working directory); never read"),

  // ---- generate (src/generate) ----
  E_GENERATE_NAME: error('generate', 'a name the generator refuses (the name rules, for a project that skipped `validate`; with a line where the model knows it)', 'file'),
  E_GENERATE_SCHEMA: error('generate', 'a payload schema ajv cannot compile into a validator'),
  E_GENERATE_REF: error('generate', 'a `$ref` the generator cannot follow into a validator', 'file'),
  E_GENERATE_PATH: error('generate', 'an emitter planned a path outside the output folder, or twice', 'none'),

  // ---- init (src/init) ----
  E_DIR_NOT_EMPTY: error('init', 'the target folder is not empty (`--force` keeps existing files)', 'none'),
  E_NOT_A_DIRECTORY: error('init', 'the target is a file', 'none'),
  E_TEMPLATE_MISSING: error('init', "a template's files are missing from the installation", 'none'),
  E_WRITE_FAILED: error('init', 'the disk refused a write (also `import asyncapi`, `export asyncapi`)', 'none'),

  // ---- AsyncAPI import and export (src/asyncapi) ----
  E_ASYNCAPI_NOT_ASYNCAPI: error('asyncapi', 'no `asyncapi` field (an OpenAPI document is named as such)'),
  E_ASYNCAPI_VERSION: error('asyncapi', 'a version other than 2.0–2.6, 3.0, 3.1'),
  E_ASYNCAPI_INVALID: error('asyncapi', 'a structure AsyncAPI does not allow where it matters'),
  E_FILE_EXISTS: error('asyncapi', 'the catalog to write exists (`--force` replaces it)', 'file'),
  W_ASYNCAPI_UNMAPPED: warning('asyncapi', 'a part of the document the catalog has no place for'),
  W_ASYNCAPI_GUESSED: warning('asyncapi', 'a value the import had to guess'),
  W_ASYNCAPI_RENAMED: warning('asyncapi', 'a name changed to fit the language'),
  W_ASYNCAPI_MESSAGE_SKIPPED: warning('asyncapi', 'a message left out (no payload property to be keyed by)'),

  // ---- check-compat (src/compat) ----
  E_NOT_A_SCHEMA: error('compat', 'a schema file that is not a JSON Schema (an object or a boolean)'),

  // ---- the command line ----
  E_USAGE: error('usage', 'flags that do not fit together, or a value a flag does not take', 'none'),
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof CODES;

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(CODES, code);
}
