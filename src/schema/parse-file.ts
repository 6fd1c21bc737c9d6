// Reads and parses one schema-bearing file (an AsyncAPI document, a schema file given to
// check-compat, a file they `$ref`) into a SourceIndex, so that its problems are located like any
// catalog's. The loader refuses nesting too deep to parse or walk (E_NESTING_TOO_DEEP), as for every
// other file.

import type { Diagnostic } from '../core/diagnostics.js';
import { parseYamlSource } from '../loader/parse-yaml.js';
import { readSourceFile } from '../loader/read-source.js';
import type { SourceIndex } from '../loader/source-index.js';

/** The parsed value, added to `sources`; undefined (with diagnostics pushed) when that fails. */
export function parseFile(file: string, what: string, sources: SourceIndex, diagnostics: Diagnostic[]): unknown {
  const read = readSourceFile(file, what);
  if (!read.ok) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  sources.addText(file, read.text);
  const outcome = parseYamlSource(file, read.text, what);
  diagnostics.push(...outcome.diagnostics);
  if (!outcome.parsed) return undefined;
  sources.add(outcome.parsed);
  return outcome.parsed.value;
}
