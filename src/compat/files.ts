// `check-compat --old OLD.json --new NEW.json`: two JSON Schema files (JSON or YAML), no catalog.

import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import type { CompatibilityMode } from '../model/types.js';
import { readSourceFile } from '../loader/read-source.js';
import { refFileLoader } from '../loader/ref-files.js';
import { SourceIndex } from '../loader/source-index.js';
import { parseFile } from '../schema/parse-file.js';
import { isInside, RefResolver, refProblemsToDiagnostics } from '../schema/refs.js';
import { finalize, findingPath, type CompatFinding, type CompatReport } from './catalog.js';
import { explain } from './explain.js';
import { PairChecker } from './pair.js';
import { problemDiagnostics } from './problems.js';
import type { Policy } from './rules.js';
import type { SchemaScope } from './schema-node.js';

export type SchemaFilesResult =
  | { readonly ok: true; readonly report: CompatReport; readonly sources: SourceIndex }
  | { readonly ok: false; readonly diagnostics: Diagnostic[]; readonly sources: SourceIndex };

export function checkSchemaFiles(
  oldPath: string,
  newPath: string,
  options: { mode: CompatibilityMode; policy: Policy; includeCompatible: boolean; cwd?: string },
): SchemaFilesResult {
  const sources = new SourceIndex();
  const diagnostics: Diagnostic[] = [];
  const parse = (file: string, what: string): unknown => {
    const before = diagnostics.length;
    const v = parseFile(file, what, sources, diagnostics);
    if (v === undefined && diagnostics.slice(before).some((d) => d.severity === 'error')) return undefined; // not read or not parsed: said why
    if (typeof v !== 'boolean' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      diagnostics.push({ code: 'E_NOT_A_SCHEMA', severity: 'error', message: `${what} is not a JSON Schema (expected an object or a boolean)`, file, line: 1, col: 1 });
      return undefined;
    }
    return v;
  };
  const oldSchema = parse(oldPath, 'old schema');
  const newSchema = parse(newPath, 'new schema');
  if (oldSchema === undefined || newSchema === undefined || diagnostics.some((d) => d.severity === 'error')) {
    return { ok: false, diagnostics, sources };
  }

  // `$ref`s are checked as a catalog's are (the same codes, located at the `$ref`), before any comparison.
  const loadFile = refFileLoader({ read: (abs) => readSourceFile(abs, 'schema file'), sources, diagnostics });
  const cwd = resolve(options.cwd ?? process.cwd());
  const sideOf = (file: string, schema: unknown): SchemaScope & { resolver: RefResolver } => ({
    file,
    resolver: new RefResolver({ catalogFile: file, catalogDocument: schema, loadFile, root: rootFor(file, cwd) }),
  });
  const oldScope = sideOf(oldPath, oldSchema);
  const newScope = sideOf(newPath, newSchema);
  for (const [schema, scope] of [[oldSchema, oldScope], [newSchema, newScope]] as const) {
    const problems = scope.resolver.checkRefs(schema, { file: scope.file, pointer: '' });
    diagnostics.push(...refProblemsToDiagnostics(problems, (f, p) => sources.span(f, p, 'value')));
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { ok: false, diagnostics, sources };

  const checker = new PairChecker();
  const raw = checker.check(oldSchema, oldScope, newSchema, newScope, options.mode, options.policy);
  if (checker.reader.problems.length > 0) {
    return { ok: false, diagnostics: [...diagnostics, ...problemDiagnostics(checker.reader.problems, sources)], sources };
  }

  const findings: CompatFinding[] = [];
  for (const f of raw) {
    if (f.compatible && !options.includeCompatible) continue;
    const path = findingPath(f);
    const loc = sources.locate(newPath, path) ?? { file: newPath, line: 1, col: 1 };
    findings.push({
      rule: f.rule,
      severity: f.compatible ? 'note' : 'error',
      pair: 'old → new',
      direction: f.direction,
      path,
      file: loc.file,
      line: loc.line,
      col: loc.col,
      explanation: explain(f, {
        oldLabel: 'the old schema',
        newLabel: 'the new schema',
        noun: 'documents',
        policy: options.policy,
      }),
      ...(f.oldValue !== undefined ? { oldValue: f.oldValue } : {}),
      ...(f.newValue !== undefined ? { newValue: f.newValue } : {}),
    });
  }
  return { ok: true, report: finalize(findings, options.policy, 1), sources };
}

/**
 * The folder a schema's `$ref`s may read files from: the working directory when the schema is
 * inside it (a project's layout, `../common/money.json` included), else the schema's own folder.
 */
function rootFor(file: string, cwd: string): { dir: string; label: string } {
  return isInside(cwd, file) ? { dir: cwd, label: 'the working directory' } : { dir: dirname(file), label: "the schema's folder" };
}
