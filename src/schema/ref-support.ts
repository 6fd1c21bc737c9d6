// Small pure helpers of the `$ref` resolver (refs.ts), split off so that the resolver stays one
// class: path containment, the draft a schema declares, names for bundled definitions, and ref
// problems as located Diagnostics.

import { basename, extname, isAbsolute, relative, sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { parsePointer } from '../loader/json-pointer.js';
import type { RefProblem, RefTarget } from './refs.js';
import { isSchemaObject } from './walk.js';

/** Whether `file` is `dir` or below it. */
export function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel));
}

/** Whether a schema declares draft-07 (otherwise edasaga treats it as 2020-12). */
export function isDraft07(schema: unknown): boolean {
  return isSchemaObject(schema) && typeof schema['$schema'] === 'string' && /draft-07/.test(schema['$schema']);
}

export function isRefOnly(s: Record<string, unknown>): boolean {
  return Object.keys(s).every((k) => k === '$ref' || k === 'description' || k === 'title' || k === '$comment');
}

export function defName(target: RefTarget): string {
  const segments = parsePointer(target.pointer) ?? [];
  const last = segments[segments.length - 1];
  const raw = last ?? basename(target.file, extname(target.file));
  const clean = raw.replace(/[^A-Za-z0-9_]/g, '_');
  return clean === '' ? 'Schema' : clean;
}

export function uniqueName(base: string, used: Set<string>): string {
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
  used.add(name);
  return name;
}

/** Turns ref problems into Diagnostics, located through `locate` (usually SourceIndex.span). */
export function refProblemsToDiagnostics(
  problems: readonly RefProblem[],
  locate: (file: string, pointer: string) => { line: number; col: number; endLine?: number; endCol?: number } | undefined,
): Diagnostic[] {
  return problems.map((p) => ({
    code: p.code,
    severity: 'error' as const,
    message: p.message,
    file: p.file,
    ...(locate(p.file, p.pointer) ?? {}),
    ...(p.hint ? { hint: p.hint } : {}),
  }));
}
