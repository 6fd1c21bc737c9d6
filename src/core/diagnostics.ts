// Problems found in a user's input, designed to be printed as `file:line:col: message`.
// Every layer reports through these instead of throwing, so a command can show all of them at once.

import type { DiagnosticCode } from './codes.js';

export type { DiagnosticCode } from './codes.js';
export type Severity = 'error' | 'warning';

export interface Diagnostic {
  /** Stable code from the registry (src/core/codes.ts), documented in docs/diagnostics.md. */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** Absolute (or as-given) path; omitted only for problems with no file (e.g. a usage error). */
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly col?: number;
  /** End of the offending span, 1-based, when known (for underlining in code frames). */
  readonly endLine?: number;
  readonly endCol?: number;
  /** e.g. `did you mean "OrderCreated"?` */
  readonly hint?: string;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
