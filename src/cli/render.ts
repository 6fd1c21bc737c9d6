// Prints Diagnostics for people (`file:line:col: error CODE: message`, a one-line code frame with
// the span underlined, a hint) or for machines (--format json). Shared by every command.

import { relative, isAbsolute } from 'node:path';
import { readFileSync } from 'node:fs';
import { styleText } from 'node:util';
import type { Diagnostic } from '../core/diagnostics.js';

export interface RenderOptions {
  /** `text` or `json`; commands that add formats render those themselves. */
  readonly format: string;
  readonly color: boolean;
  /** Paths are shown relative to this directory when they are inside it. Default: process.cwd(). */
  readonly cwd?: string;
  /** Where code frames get source text; default: read the file from disk. */
  readonly sources?: { text(file: string): string | undefined };
}

/**
 * The JSON form of one diagnostic (stable: tools parse it): the fields of a Diagnostic, copied one by
 * one in diagnosticsToJson so nothing added to Diagnostic later leaks into the output unannounced,
 * and `file` shown relative to the working directory.
 */
export type DiagnosticJson = Diagnostic;

export function displayPath(file: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

export function diagnosticsToJson(diags: readonly Diagnostic[], cwd?: string): DiagnosticJson[] {
  return diags.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    ...(d.file !== undefined ? { file: displayPath(d.file, cwd) } : {}),
    ...(d.line !== undefined ? { line: d.line } : {}),
    ...(d.col !== undefined ? { col: d.col } : {}),
    ...(d.endLine !== undefined ? { endLine: d.endLine } : {}),
    ...(d.endCol !== undefined ? { endCol: d.endCol } : {}),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
  }));
}

export function renderDiagnostics(diags: readonly Diagnostic[], options: RenderOptions): string {
  if (options.format === 'json') return JSON.stringify({ diagnostics: diagnosticsToJson(diags, options.cwd), ...summaryCounts(diags) }, null, 2) + '\n';
  return diags.map((d) => renderOne(d, options)).join('');
}

export function summaryCounts(diags: readonly Diagnostic[]): { errors: number; warnings: number } {
  return {
    errors: diags.filter((d) => d.severity === 'error').length,
    warnings: diags.filter((d) => d.severity === 'warning').length,
  };
}

export function summaryLine(diags: readonly Diagnostic[]): string {
  const { errors, warnings } = summaryCounts(diags);
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return warnings > 0 ? `${part(errors, 'error')}, ${part(warnings, 'warning')}` : part(errors, 'error');
}

function renderOne(d: Diagnostic, options: RenderOptions): string {
  const paint = (style: Parameters<typeof styleText>[0], s: string) => (options.color ? styleText(style, s) : s);
  const where = d.file === undefined ? '' : `${displayPath(d.file, options.cwd)}${d.line !== undefined ? `:${d.line}:${d.col ?? 1}` : ''}: `;
  const sev = d.severity === 'error' ? paint(['bold', 'red'], 'error') : paint(['bold', 'yellow'], 'warning');
  let out = `${paint('bold', where)}${sev} ${paint('dim', d.code)}: ${d.message}\n`;
  const frame = d.file !== undefined && d.line !== undefined ? codeFrame(d, options, paint) : undefined;
  if (frame) out += frame;
  if (d.hint) out += `  ${paint('cyan', 'hint')}: ${d.hint}\n`;
  return out;
}

function codeFrame(d: Diagnostic, options: RenderOptions, paint: (style: Parameters<typeof styleText>[0], s: string) => string): string | undefined {
  const text = sourceText(d.file!, options);
  if (text === undefined) return undefined;
  const lines = text.split(/\r\n|\r|\n/);
  const lineText = lines[d.line! - 1];
  if (lineText === undefined) return undefined;
  const gutter = String(d.line);
  const pad = ' '.repeat(gutter.length);
  const col = Math.max(1, d.col ?? 1);
  const endCol = d.endLine === d.line && d.endCol !== undefined && d.endCol > col ? d.endCol : col + 1;
  // Long lines (flow mappings) are shown as a window around the span.
  const WIDTH = 140;
  const long = lineText.length > WIDTH + 20;
  const start = long ? Math.max(0, Math.min(col - 1 - 40, lineText.length - WIDTH)) : 0;
  const end = long ? Math.min(lineText.length, start + WIDTH) : lineText.length;
  const prefix = start > 0 ? '...' : '';
  const shown = printable(prefix + lineText.slice(start, end) + (end < lineText.length ? '...' : ''));
  const spanStart = col - 1 - start + prefix.length;
  const width = Math.max(1, Math.min(endCol - col, shown.length - spanStart));
  // Tabs keep their width in the underline so the carets line up.
  const lead = shown.slice(0, spanStart).replace(/[^\t]/g, ' ');
  return `  ${paint('dim', `${gutter} |`)} ${shown}\n  ${paint('dim', `${pad} |`)} ${lead}${paint(d.severity === 'error' ? 'red' : 'yellow', '^'.repeat(width))}\n`;
}

/**
 * The line as it may reach a terminal: control characters (an escape sequence from a hostile or
 * binary file would be run by the terminal) and bidirectional overrides (which reorder what is
 * shown) become U+FFFD, one code unit for one, so the carets below still line up. Tabs stay.
 */
function printable(line: string): string {
  return line.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
}

function sourceText(file: string, options: RenderOptions): string | undefined {
  const fromIndex = options.sources?.text(file);
  if (fromIndex !== undefined) return fromIndex;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Whether to color output written to `stream`: a terminal, unless NO_COLOR is set (FORCE_COLOR forces). */
export function shouldColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  if (process.env['FORCE_COLOR'] !== undefined && process.env['FORCE_COLOR'] !== '0') return true;
  return stream.isTTY === true;
}
