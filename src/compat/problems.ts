// Problems met while comparing (a `$ref` that does not resolve, schemas that nest too deep) are
// invalid input: the diagnostics carry the codes validation gives for the same problem, located
// where the problem was written when the place is known.

import type { Diagnostic } from '../core/diagnostics.js';
import type { SourceIndex } from '../loader/source-index.js';
import type { ReadProblem } from './schema-node.js';

export function problemDiagnostics(problems: readonly ReadProblem[], sources: SourceIndex): Diagnostic[] {
  return problems.map((p) => {
    const at = p.pointer !== undefined ? sources.locate(p.file, p.pointer) : undefined;
    return { code: p.code, severity: 'error' as const, message: p.message, file: p.file, ...(at ? { line: at.line, col: at.col } : {}) };
  });
}
