// The flow checks of a choreography (placeholder; filled in by the next commit).
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';

type Segments = (string | number)[];

export interface FlowReaction {
  readonly index: number;
  readonly name: string;
  readonly service: string;
  readonly on: readonly { readonly event: string; readonly segments: Segments }[];
  readonly outcomes: readonly { readonly event: string; readonly failure: boolean; readonly segments: Segments }[];
  readonly compensation?: string;
}

export interface FlowInput {
  readonly startedBy: string;
  readonly origin: string;
  readonly reactions: readonly FlowReaction[];
  readonly terminals: readonly { readonly event: string; readonly completed: boolean; readonly segments: Segments }[];
}

type At = (segments: Segments, code: DiagnosticCode, message: string, hint?: string, target?: 'key' | 'value') => Diagnostic;

export function flowDiagnostics(_flow: FlowInput, _at: At): Diagnostic[] {
  return [];
}
