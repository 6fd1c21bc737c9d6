// `check-compat` as a core function: load, compare, and return the report or the diagnostics that
// make the input invalid. Prints nothing; the runner (src/cli/run-check-compat.ts) renders it.

import { resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { CompatibilityMode } from '../model/types.js';
import { checkAcceptedBreakRules, checkAgainstBaseline, checkCatalogVersions, finalize, type CompatFinding, type CompatReport } from './catalog.js';
import { PairChecker } from './pair.js';
import { problemDiagnostics } from './problems.js';
import { DEFAULT_POLICY, type Policy } from './rules.js';

export interface CompatCheckOptions {
  readonly catalog: string;
  readonly sagas?: readonly string[] | undefined;
  readonly policy?: Policy | undefined;
  /** Overrides every message's own mode (catalog) or sets the mode (standalone; default BACKWARD). */
  readonly mode?: CompatibilityMode | undefined;
  readonly against?: string | undefined;
  readonly mergeBase?: boolean | undefined;
  readonly old?: string | undefined;
  readonly new?: string | undefined;
  /** Also list tolerated changes. */
  readonly showCompatible?: boolean | undefined;
  /** Relative paths (catalog, sagas, --old/--new, the git repository) are resolved against it. */
  readonly cwd: string;
}

export type CompatCheckResult =
  | { readonly ok: true; readonly report: CompatReport }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[]; readonly sources?: { text(file: string): string | undefined } | undefined };

export async function checkCompatibility(opts: CompatCheckOptions): Promise<CompatCheckResult> {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const cwd = opts.cwd;
  const invalid = (diagnostics: readonly Diagnostic[], sources?: { text(file: string): string | undefined }): CompatCheckResult => ({ ok: false, diagnostics, sources });
  const usage = (message: string) => invalid([{ code: 'E_USAGE', severity: 'error', message }]);

  if ((opts.old === undefined) !== (opts.new === undefined)) return usage('--old and --new go together: pass both schema files');
  if (opts.mergeBase && opts.against === undefined) return usage('--merge-base needs --against REF (the branch to find the merge base with)');
  if (opts.old !== undefined && opts.against !== undefined) return usage('--against compares catalogs; it cannot be combined with --old/--new');

  if (opts.old !== undefined && opts.new !== undefined) {
    const { checkSchemaFiles } = await import('./files.js');
    const res = checkSchemaFiles(resolve(cwd, opts.old), resolve(cwd, opts.new), { mode: opts.mode ?? 'BACKWARD', policy, includeCompatible: opts.showCompatible ?? false, cwd });
    return res.ok ? { ok: true, report: res.report } : invalid(res.diagnostics, res.sources);
  }
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
  const report = finalize(findings, policy, pairs, notes);
  // `$ref` problems are caught by validation before we get here; what is left (schemas that nest
  // too deep through their `$ref`s to compare) is invalid input too.
  const problems = checker.reader.problems;
  if (problems.length > 0) return invalid(problemDiagnostics(problems, current.sources), current.sources);
  return { ok: true, report };
}
