// Exit codes, the same for every command:
//   0  ok (warnings allowed)
//   1  findings: the input was read fine and something in it is wrong (validation errors,
//      an incompatible schema change, stale generated code)
//   2  invalid input or usage: a file that cannot be read or parsed, a bad flag, a missing argument

import type { Diagnostic } from '../core/diagnostics.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_INVALID_INPUT = 2;

/** Diagnostics that mean "edasaga could not read this input at all" rather than "it has mistakes". */
export const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'E_USAGE',
  'E_FILE_NOT_FOUND',
  'E_NOT_A_FILE',
  'E_FILE_TOO_LARGE',
  'E_FILE_UNREADABLE',
  'E_BINARY_FILE',
  'E_EMPTY_FILE',
  'E_YAML_SYNTAX',
  'E_YAML_DUPLICATE_KEY',
  'E_YAML_ALIAS_LIMIT',
  'E_YAML_TAG',
  'E_YAML_COMPLEX_KEY',
  'E_FORBIDDEN_KEY',
  'E_WRONG_FILE_KIND',
  'E_WRITE_FAILED',
]);

export function exitCodeFor(diagnostics: readonly Diagnostic[]): number {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.some((d) => INPUT_ERROR_CODES.has(d.code))) return EXIT_INVALID_INPUT;
  return errors.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
