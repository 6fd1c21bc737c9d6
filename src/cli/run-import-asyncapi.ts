// What `edasaga import asyncapi` does, minus flag parsing: refuse to replace an existing catalog
// (unless --force, as `init` refuses a non-empty folder), import, write, then validate what was
// written exactly as `edasaga validate` would, and say why it does not pass if it does not.
// Exit codes: 0 written and valid, 1 written but `validate` finds errors, 2 nothing written.

import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { importAsyncApi } from '../asyncapi/import/index.js';
import { hasErrors, type Diagnostic } from '../core/diagnostics.js';
import { writeAtomic } from '../generate/writer.js';
import { loadProjectFromSources } from '../project/load.js';
import { EXIT_FINDINGS, EXIT_INVALID_INPUT, EXIT_OK } from './exit-codes.js';
import { cwdOf, type Io } from './io.js';
import { diagnosticsToJson, displayPath, renderDiagnostics, summaryLine } from './render.js';

export interface ImportCommandOptions {
  readonly spec: string;
  /** Default ./catalog.yaml. */
  readonly out?: string | undefined;
  readonly force: boolean;
  readonly format: 'text' | 'json';
  readonly color: boolean;
}

export function runImportCommand(options: ImportCommandOptions, out: Io): number {
  const cwd = cwdOf(out);
  const outPath = resolve(cwd, options.out ?? 'catalog.yaml');
  const finish = (code: number, diagnostics: readonly Diagnostic[], validation: readonly Diagnostic[], sources?: { text(file: string): string | undefined }, summary?: string) => {
    if (options.format === 'json') {
      out.stdout.write(
        `${JSON.stringify({ ok: code === EXIT_OK, written: code !== EXIT_INVALID_INPUT ? displayPath(outPath) : null, diagnostics: diagnosticsToJson(diagnostics), validation: diagnosticsToJson(validation) }, null, 2)}\n`,
      );
      return code;
    }
    const all = [...diagnostics, ...validation];
    if (all.length > 0) {
      out.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: options.color, ...(sources ? { sources } : {}) }));
      if (validation.length > 0) {
        out.stderr.write(`\n${hasErrors(validation) ? `${displayPath(outPath)} was written but does not pass \`edasaga validate\` yet:` : 'edasaga validate says:'}\n`);
        out.stderr.write(renderDiagnostics(validation, { format: 'text', color: options.color }));
      }
      out.stderr.write(`\n${summaryLine(all)}${code === EXIT_INVALID_INPUT ? '; nothing written' : ''}\n`);
    }
    if (summary) out.stdout.write(`${summary}\n`);
    return code;
  };

  if (existsSync(outPath)) {
    if (statSync(outPath).isDirectory()) {
      return finish(EXIT_INVALID_INPUT, [{ code: 'E_NOT_A_FILE', severity: 'error', message: `${displayPath(outPath)} is a directory; --out names the catalog file to write`, file: outPath }], []);
    }
    if (!options.force) {
      return finish(EXIT_INVALID_INPUT, [{ code: 'E_FILE_EXISTS', severity: 'error', message: `${displayPath(outPath)} already exists`, file: outPath, hint: 'use --force to replace it, or --out to write somewhere else' }], []);
    }
  }
  const result = importAsyncApi(resolve(cwd, options.spec), outPath);
  if (result.text === undefined || result.catalog === undefined) return finish(EXIT_INVALID_INPUT, result.diagnostics, [], result.sources);
  try {
    writeAtomic(outPath, result.text);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return finish(EXIT_INVALID_INPUT, [...result.diagnostics, { code: 'E_WRITE_FAILED', severity: 'error', message: `cannot write ${displayPath(outPath)}: ${e.code ?? e.message}`, file: outPath }], []);
  }
  const validation = loadProjectFromSources({ catalog: { path: outPath, text: result.text }, sagas: [], readFile: () => undefined }).diagnostics;
  const c = result.catalog;
  const summary = `wrote ${displayPath(outPath)}: ${Object.keys(c.services).length} services, ${c.messages.length} messages, ${Object.keys(c.definitions).length} definitions` +
    `${c.skipped.length > 0 ? ` (${c.skipped.length} not imported, listed in it as comments)` : ''}`;
  return finish(hasErrors(validation) ? EXIT_FINDINGS : EXIT_OK, result.diagnostics, validation, result.sources, summary);
}
