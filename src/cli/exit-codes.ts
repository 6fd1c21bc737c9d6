// Exit codes, the same for every command:
//   0  ok (warnings allowed)
//   1  findings about input that is itself valid: an incompatible schema change (check-compat),
//      stale or hand-edited generated code (generate --check)
//   2  invalid input or usage: a catalog or saga with errors (unreadable, unparseable or breaking a
//      rule of the language), a bad flag, a missing argument
//
// A catalog with mistakes is invalid input, whichever command reads it, so `validate`, `generate`
// and `check-compat` agree on it; 1 stays free to mean "CI should stop for what you changed".

import { hasErrors, type Diagnostic } from '../core/diagnostics.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_INVALID_INPUT = 2;

export function exitCodeFor(diagnostics: readonly Diagnostic[]): number {
  return hasErrors(diagnostics) ? EXIT_INVALID_INPUT : EXIT_OK;
}
