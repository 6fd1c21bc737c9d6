// `edasaga check-compat` as a runner: the core check (src/compat/check.ts), rendered in the chosen
// format, and the exit code. The oclif command only parses flags and calls this.

import type { Diagnostic } from '../core/diagnostics.js';
import { checkCompatibility, type CompatCheckOptions } from '../compat/check.js';
import type { CompatReport } from '../compat/catalog.js';
import { renderInputErrors, renderReport, type CompatFormat } from '../compat/format.js';
import { EXIT_FINDINGS, EXIT_INVALID_INPUT, EXIT_OK } from './exit-codes.js';
import { cwdOf, type Io } from './io.js';
import { renderDiagnostics, summaryLine } from './render.js';

export interface CheckCompatOptions extends Omit<CompatCheckOptions, 'cwd'> {
  readonly format: CompatFormat;
  readonly color?: boolean | undefined;
  /** Default: the Io's. */
  readonly cwd?: string | undefined;
}

export interface CheckCompatOutcome {
  readonly exitCode: number;
  readonly report?: CompatReport;
  readonly diagnostics?: readonly Diagnostic[];
}

export async function runCheckCompat(opts: CheckCompatOptions, io: Io): Promise<number> {
  return (await checkCompat(opts, io)).exitCode;
}

/** The runner, returning what it found as well as the exit code (for tests). */
export async function checkCompat(opts: CheckCompatOptions, io: Io): Promise<CheckCompatOutcome> {
  const cwd = opts.cwd ?? cwdOf(io);
  const result = await checkCompatibility({ ...opts, cwd });
  if (!result.ok) {
    const { diagnostics, sources } = result;
    if (opts.format === 'github' || opts.format === 'sarif') io.stdout.write(renderInputErrors(diagnostics, opts.format, cwd));
    else if (opts.format === 'json') io.stdout.write(renderDiagnostics(diagnostics, { format: 'json', color: false, cwd, ...(sources ? { sources } : {}) }));
    else {
      io.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: opts.color ?? false, cwd, ...(sources ? { sources } : {}) }));
      io.stderr.write(`\n${summaryLine(diagnostics)}\n`);
    }
    return { exitCode: EXIT_INVALID_INPUT, diagnostics };
  }
  io.stdout.write(renderReport(result.report, opts.format, cwd));
  return { exitCode: result.report.compatible ? EXIT_OK : EXIT_FINDINGS, report: result.report };
}
