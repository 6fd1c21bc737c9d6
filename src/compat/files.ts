// `check-compat --old OLD.json --new NEW.json`: two JSON Schema files (JSON or YAML), no catalog.

import type { Diagnostic } from '../core/diagnostics.js';
import type { CompatibilityMode } from '../model/types.js';
import { parseYamlSource } from '../loader/parse-yaml.js';
import { readSourceFile } from '../loader/read-source.js';
import { SourceIndex } from '../loader/source-index.js';
import { RefResolver, type LoadedFile } from '../schema/refs.js';
import { finalize, findingPath, type CompatFinding, type CompatReport } from './catalog.js';
import { explain } from './explain.js';
import { PairChecker } from './pair.js';
import type { Policy } from './rules.js';

export type SchemaFilesResult =
  | { readonly ok: true; readonly report: CompatReport; readonly sources: SourceIndex }
  | { readonly ok: false; readonly diagnostics: Diagnostic[]; readonly sources: SourceIndex };

export function checkSchemaFiles(
  oldPath: string,
  newPath: string,
  options: { mode: CompatibilityMode; policy: Policy; includeCompatible: boolean },
): SchemaFilesResult {
  const sources = new SourceIndex();
  const diagnostics: Diagnostic[] = [];
  const parse = (file: string, what: string): unknown => {
    const read = readSourceFile(file, what);
    if (!read.ok) {
      diagnostics.push(read.diagnostic);
      return undefined;
    }
    sources.addText(file, read.text);
    const outcome = parseYamlSource(file, read.text, what);
    diagnostics.push(...outcome.diagnostics);
    if (!outcome.parsed) return undefined;
    sources.add(outcome.parsed);
    const v = outcome.parsed.value;
    if (typeof v !== 'boolean' && (typeof v !== 'object' || v === null || Array.isArray(v))) {
      diagnostics.push({ code: 'E_NOT_A_SCHEMA', severity: 'error', message: `${what} ${file} is not a JSON Schema (expected an object or a boolean)`, file, line: 1, col: 1 });
      return undefined;
    }
    return v;
  };
  const oldSchema = parse(oldPath, 'old schema');
  const newSchema = parse(newPath, 'new schema');
  if (oldSchema === undefined || newSchema === undefined || diagnostics.some((d) => d.severity === 'error')) {
    return { ok: false, diagnostics, sources };
  }

  const loadFile = (abs: string): LoadedFile => {
    const v = parse(abs, 'schema file');
    return v === undefined ? { ok: false, reason: `${abs} could not be read` } : { ok: true, value: v };
  };
  const oldScope = { file: oldPath, resolver: new RefResolver({ catalogFile: oldPath, catalogDocument: oldSchema, loadFile }) };
  const newScope = { file: newPath, resolver: new RefResolver({ catalogFile: newPath, catalogDocument: newSchema, loadFile }) };
  const checker = new PairChecker();
  const raw = checker.check(oldSchema, oldScope, newSchema, newScope, options.mode, options.policy);
  const problems = checker.reader.problems;
  if (problems.length > 0 || diagnostics.some((d) => d.severity === 'error')) {
    for (const p of problems) diagnostics.push({ code: 'E_UNRESOLVED_REF', severity: 'error', message: p.message, file: p.file });
    return { ok: false, diagnostics, sources };
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
