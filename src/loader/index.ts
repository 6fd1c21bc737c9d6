export { readSourceFile } from './read-source.js';
export type { ReadResult } from './read-source.js';
export { parseYamlSource } from './parse-yaml.js';
export type { ParsedSource, ParseOutcome } from './parse-yaml.js';
export { SourceIndex } from './source-index.js';
export type { SourceSpan, SpanTarget } from './source-index.js';
export { MAX_FILE_BYTES, MAX_ALIAS_COUNT, FORBIDDEN_KEYS } from './limits.js';
export * from './json-pointer.js';
