// A located error inside one section of a saga file (`saga:` or `choreography:`): the one way the
// saga and choreography rules point at what they found, so both report the same shape.
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { toPointer } from '../loader/json-pointer.js';
import type { SourceIndex } from '../loader/source-index.js';

export type Segments = (string | number)[];

export type LocatedError = (segments: Segments, code: DiagnosticCode, message: string, hint?: string, target?: 'key' | 'value') => Diagnostic;

/** Errors at a path below `section` of `file`, positioned by the source index (key or value). */
export function errorsIn(ctx: { readonly file: string; readonly index: SourceIndex }, section: string): LocatedError {
  return (segments, code, message, hint, target = 'value') => ({
    code,
    severity: 'error',
    message,
    file: ctx.file,
    ...(ctx.index.span(ctx.file, toPointer([section, ...segments]), target) ?? {}),
    ...(hint ? { hint } : {}),
  });
}
