// Comparing two schemas that are plain values (no catalog): the engine's smallest entry point,
// used by `check-compat --old --new`, by the conformance test and by property tests.

import { resolve } from 'node:path';
import type { CompatibilityMode } from '../model/types.js';
import { RefResolver, type LoadedFile } from '../schema/refs.js';
import { PairChecker, type SchemaFinding } from './pair.js';
import type { Policy } from './rules.js';
import type { ReadProblem } from './schema-node.js';

export interface SchemaPairOptions {
  readonly mode: CompatibilityMode;
  readonly policy: Policy;
  /** Where each schema lives (relative `$ref`s resolve beside it); virtual names are fine. */
  readonly oldFile?: string;
  readonly newFile?: string;
  /** Reads a file a `$ref` names; default: none can be read. */
  readonly loadFile?: (absPath: string) => LoadedFile;
  /** Share one checker across many calls (memoised comparisons). */
  readonly checker?: PairChecker;
}

export interface SchemaPairResult {
  readonly compatible: boolean;
  readonly findings: readonly SchemaFinding[];
  /** `$ref`s that could not be resolved: the input is invalid. */
  readonly problems: readonly ReadProblem[];
}

const noFiles = (abs: string): LoadedFile => ({ ok: false, reason: `${abs} is not available` });

export function checkSchemaPair(oldSchema: unknown, newSchema: unknown, options: SchemaPairOptions): SchemaPairResult {
  const oldFile = resolve(options.oldFile ?? 'old.schema.json');
  const newFile = resolve(options.newFile ?? 'new.schema.json');
  const loadFile = options.loadFile ?? noFiles;
  const oldResolver = new RefResolver({ catalogFile: oldFile, catalogDocument: oldSchema, loadFile });
  const newResolver = new RefResolver({ catalogFile: newFile, catalogDocument: newSchema, loadFile });
  const checker = options.checker ?? new PairChecker();
  const before = checker.reader.problems.length;
  const findings = checker.check(
    oldSchema,
    { file: oldFile, resolver: oldResolver },
    newSchema,
    { file: newFile, resolver: newResolver },
    options.mode,
    options.policy,
  );
  const problems = checker.reader.problems.slice(before);
  return { compatible: problems.length === 0 && findings.every((f) => f.compatible), findings, problems };
}
