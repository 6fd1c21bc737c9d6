// Reading a file that a `$ref` names, the same way for a catalog and for `check-compat --old/--new`:
// its text is kept for positions, its own problems (YAML syntax, binary, too deep) are reported in
// it, and the reason given to the `$ref` names no path (the `$ref` itself is located and quoted).

import type { Diagnostic } from '../core/diagnostics.js';
import type { LoadedFile } from '../schema/refs.js';
import { parseYamlSource } from './parse-yaml.js';
import type { ReadResult } from './read-source.js';
import type { SourceIndex } from './source-index.js';

export interface RefFileReader {
  /** Reads the file (absolute path); never throws. */
  readonly read: (absPath: string) => ReadResult;
  readonly sources: SourceIndex;
  /** Where the file's own problems go. */
  readonly diagnostics: Diagnostic[];
  /** Called for every file asked for, in order (to sort diagnostics by file). */
  readonly onFile?: (absPath: string) => void;
}

export function refFileLoader(reader: RefFileReader): (absPath: string) => LoadedFile {
  return (abs) => {
    reader.onFile?.(abs);
    const read = reader.read(abs);
    // A missing or unreadable file is the `$ref`'s problem, reported once, at the `$ref`.
    if (!read.ok) return { ok: false, reason: read.diagnostic.message.replace(/^schema file /, 'the file ') };
    reader.sources.addText(abs, read.text);
    const outcome = parseYamlSource(abs, read.text, 'schema file');
    reader.diagnostics.push(...outcome.diagnostics);
    if (!outcome.parsed) return { ok: false, reason: 'the file could not be read as YAML or JSON (see its own error)' };
    reader.sources.add(outcome.parsed);
    return { ok: true, value: outcome.parsed.value };
  };
}
