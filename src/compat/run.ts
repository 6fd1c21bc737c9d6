// `edasaga check-compat` as a library function: load, check, render, return the exit code.
// The oclif command only parses flags and calls this; tests call it directly too.

import { resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { CompatibilityMode } from '../model/types.js';
import { EXIT_FINDINGS, EXIT_INVALID_INPUT, EXIT_OK } from '../cli/exit-codes.js';
import { renderDiagnostics, summaryLine } from '../cli/render.js';
import { checkAcceptedBreakRules, checkAgainstBaseline, checkCatalogVersions, finalize, type CompatFinding, type CompatReport } from './catalog.js';
import { renderInputErrors, renderReport, type CompatFormat } from './format.js';
import { PairChecker } from './pair.js';
import { problemDiagnostics } from './problems.js';
import { DEFAULT_POLICY, type Policy } from './rules.js';

export interface CheckCompatOptions {
  readonly catalog: string;
  readonly sagas?: readonly string[] | undefined;
  readonly format: CompatFormat;
  readonly policy?: Policy | undefined;
  /** Overrides every message's own mode (catalog) or sets the mode (standalone; default BACKWARD). */
  readonly mode?: CompatibilityMode | undefined;
  readonly against?: string | undefined;
  readonly mergeBase?: boolean | undefined;
  readonly old?: string | undefined;
  readonly new?: string | undefined;
  /** Also list tolerated changes. */
  readonly showCompatible?: boolean | undefined;
  readonly color?: boolean | undefined;
  readonly cwd?: string | undefined;
}

export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export interface CheckCompatOutcome {
  readonly exitCode: number;
  readonly report?: CompatReport;
  readonly diagnostics?: readonly Diagnostic[];
}

export async function runCheckCompat(opts: CheckCompatOptions, io: Io): Promise<number> {
  return (await checkCompat(opts, io)).exitCode;
}

export async function checkCompat(opts: CheckCompatOptions, io: Io): Promise<CheckCompatOutcome> {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const cwd = opts.cwd ?? process.cwd();
  const invalid = (diagnostics: Diagnostic[], sources?: { text(file: string): string | undefined }): CheckCompatOutcome => {
    if (opts.format === 'github' || opts.format === 'sarif') io.stdout.write(renderInputErrors(diagnostics, opts.format, cwd));
    else if (opts.format === 'json') io.stdout.write(renderDiagnostics(diagnostics, { format: 'json', color: false, cwd, ...(sources ? { sources } : {}) }));
    else {
      io.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color: opts.color ?? false, cwd, ...(sources ? { sources } : {}) }));
      io.stderr.write(`\n${summaryLine(diagnostics)}\n`);
    }
    return { exitCode: EXIT_INVALID_INPUT, diagnostics };
  };
  const usage = (message: string): CheckCompatOutcome =>
    invalid([{ code: 'E_USAGE', severity: 'error', message }]);

  if ((opts.old === undefined) !== (opts.new === undefined)) return usage('--old and --new go together: pass both schema files');
  if (opts.mergeBase && opts.against === undefined) return usage('--merge-base needs --against REF (the branch to find the merge base with)');
  if (opts.old !== undefined && opts.against !== undefined) return usage('--against compares catalogs; it cannot be combined with --old/--new');

  let report: CompatReport;
  if (opts.old !== undefined && opts.new !== undefined) {
    const { checkSchemaFiles } = await import('./files.js');
    const res = checkSchemaFiles(resolve(cwd, opts.old), resolve(cwd, opts.new), { mode: opts.mode ?? 'BACKWARD', policy, includeCompatible: opts.showCompatible ?? false, cwd });
    if (!res.ok) return invalid(res.diagnostics, res.sources);
    report = res.report;
  } else {
    const { loadProject } = await import('../project/load.js');
    const catalogPath = resolve(cwd, opts.catalog);
    const current = await loadProject({ catalogPath, ...(opts.sagas && opts.sagas.length > 0 ? { sagaPaths: opts.sagas.map((s) => resolve(cwd, s)) } : {}) });
    if (!current.project || !current.refs) return invalid(current.diagnostics, current.sources);
    const checker = new PairChecker();
    const side = { project: current.project, resolver: current.refs, sources: current.sources };
    const options = { policy, ...(opts.mode ? { mode: opts.mode } : {}), includeCompatible: opts.showCompatible ?? false, checker };
    const within = checkCatalogVersions(side, options);
    const findings: CompatFinding[] = [...checkAcceptedBreakRules(current.project), ...within.findings];
    let pairs = within.pairs;
    const notes: string[] = [];
    if (opts.against !== undefined) {
      const { loadBaseline } = await import('./baseline.js');
      const base = await loadBaseline({ against: opts.against, mergeBase: opts.mergeBase ?? false, catalogPath, cwd });
      if (!base.ok) return invalid(base.diagnostics);
      if ('absent' in base) notes.push(`the catalog does not exist at ${base.label}: nothing to compare with`);
      else {
        const b = base.load;
        if (!b.project || !b.refs) {
          const diags = b.diagnostics.map((d) => ({ ...d, message: `in the baseline (${base.label}): ${d.message}` }));
          return invalid(diags, b.sources);
        }
        const against = checkAgainstBaseline({ project: b.project, resolver: b.refs, sources: b.sources, label: base.label }, side, options);
        findings.push(...against.findings);
        pairs += against.pairs;
        notes.push(`against ${base.label}`);
      }
    }
    report = finalize(findings, policy, pairs, notes);
    // `$ref` problems are caught by validation before we get here; what is left (schemas that nest
    // too deep through their `$ref`s to compare) is invalid input too.
    const problems = checker.reader.problems;
    if (problems.length > 0) return invalid(problemDiagnostics(problems, current.sources), current.sources);
  }

  io.stdout.write(renderReport(report, opts.format, cwd));
  return { exitCode: report.compatible ? EXIT_OK : EXIT_FINDINGS, report };
}
