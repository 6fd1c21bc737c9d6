// What `edasaga export asyncapi` does, minus flag parsing: load and validate the project (the same
// located diagnostics as `validate`), build the document, write it (or compare it with the file on
// disk for --check). Returns the exit code.

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { exportDocument } from '../asyncapi/export/document.js';
import { serializeDocument, type DocumentFormat } from '../asyncapi/export/serialize.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { writeAtomic } from '../generate/writer.js';
import { loadProject } from '../project/load.js';
import { didYouMean } from '../schema/suggest.js';
import { EXIT_FINDINGS, EXIT_INVALID_INPUT, EXIT_OK } from './exit-codes.js';
import { cwdOf, type Io } from './io.js';
import { displayPath, renderDiagnostics, summaryLine } from './render.js';

export interface ExportCommandOptions {
  readonly catalog: string;
  readonly sagas?: readonly string[] | undefined;
  /** File to write; `-` for stdout; default `asyncapi.yaml` (or `.json`) beside the catalog. */
  readonly out?: string | undefined;
  /** Default: from the --out file's extension, else yaml. */
  readonly format?: DocumentFormat | undefined;
  readonly service?: string | undefined;
  readonly check: boolean;
  readonly color: boolean;
}

export function outputFormat(options: Pick<ExportCommandOptions, 'out' | 'format'>): DocumentFormat {
  if (options.format !== undefined) return options.format;
  return options.out !== undefined && /\.json$/i.test(options.out) ? 'json' : 'yaml';
}

export function outputPath(options: Pick<ExportCommandOptions, 'catalog' | 'out' | 'format'>, cwd: string = process.cwd()): string | undefined {
  if (options.out === '-') return undefined;
  if (options.out !== undefined) return resolve(cwd, options.out);
  return join(dirname(resolve(cwd, options.catalog)), `asyncapi.${outputFormat(options)}`);
}

export async function runExportCommand(options: ExportCommandOptions, out: Io): Promise<number> {
  const cwd = cwdOf(out);
  const print = (diagnostics: readonly Diagnostic[], sources?: { text(file: string): string | undefined }) => {
    if (diagnostics.length === 0) return;
    out.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: options.color, ...(sources ? { sources } : {}) }));
    out.stderr.write(`\n${summaryLine(diagnostics)}\n`);
  };
  const loaded = await loadProject({ catalogPath: resolve(cwd, options.catalog), ...(options.sagas && options.sagas.length > 0 ? { sagaPaths: options.sagas.map((s) => resolve(cwd, s)) } : {}) });
  if (loaded.project === undefined || loaded.refs === undefined) {
    print(loaded.diagnostics, loaded.sources);
    out.stderr.write('nothing exported\n');
    return EXIT_INVALID_INPUT;
  }
  const { project } = loaded;
  if (options.service !== undefined && !project.catalog.services.some((s) => s.name === options.service)) {
    const names = project.catalog.services.map((s) => s.name);
    print([
      {
        code: 'E_UNKNOWN_SERVICE',
        severity: 'error',
        message: `--service ${options.service}: the catalog has no such service (it has ${names.join(', ')})`,
        ...didYouMean(options.service, names),
      },
    ]);
    return EXIT_INVALID_INPUT;
  }
  print(loaded.diagnostics, loaded.sources); // warnings only, by now

  const document = exportDocument(project, loaded.refs, options.service === undefined ? {} : { service: options.service });
  const text = serializeDocument(document, outputFormat(options));
  const path = outputPath(options, cwd);
  if (path === undefined) {
    if (options.check) {
      print([{ code: 'E_USAGE', severity: 'error', message: '--check compares with a file: give --out FILE, not -' }]);
      return EXIT_INVALID_INPUT;
    }
    out.stdout.write(text);
    return EXIT_OK;
  }
  const current = readIfPresent(path);
  if (options.check) {
    if (current === text) {
      out.stdout.write(`${displayPath(path)} is up to date\n`);
      return EXIT_OK;
    }
    out.stderr.write(
      `${displayPath(path)} is ${current === undefined ? 'missing' : 'stale: it differs from what the catalog exports'}; run \`edasaga export asyncapi${options.out === undefined ? '' : ` --out ${options.out}`}\` and commit it\n`,
    );
    return EXIT_FINDINGS;
  }
  if (current === text) {
    out.stdout.write(`${displayPath(path)} is up to date\n`);
    return EXIT_OK;
  }
  try {
    writeAtomic(path, text);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    print([{ code: 'E_WRITE_FAILED', severity: 'error', message: `cannot write ${displayPath(path)}: ${e.code ?? e.message}`, file: path }]);
    return EXIT_INVALID_INPUT;
  }
  const count = (map: Record<string, unknown>) => Object.keys(map).length;
  out.stdout.write(
    `wrote ${displayPath(path)}: AsyncAPI 3.0.0, ${count(document.components.messages)} messages (one per version), ${count(document.channels)} channels, ` +
      `${count(document.operations)} operations` +
      `${options.service === undefined ? '' : ` (the view of service ${options.service})`}\n`,
  );
  return EXIT_OK;
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
