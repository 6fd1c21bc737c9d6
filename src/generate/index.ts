// `edasaga generate` as a library: plan the files from a validated project, apply the plan to the
// output directory, and say what happened. The command only parses flags and prints.
import type { Diagnostic } from '../core/diagnostics.js';
import type { JsonSchema, Project } from '../model/types.js';
import type { Emitter } from './plan.js';
import { emitContext, nameProblems, planProject, type Plan } from './planner.js';
import { validatorJob } from './emit/validators.js';
import { precompileValidators } from './precompile.js';
import type { BundleProblem } from './bundle.js';
import { applyPlan, type WriteResult } from './writer.js';

export { planProject, emitMessaging, checkPlannedPath } from './planner.js';
export { applyPlan, sha256, parseManifest, type WriteResult, type FileChange, type Conflict } from './writer.js';
export { layout, MANIFEST_PATH, RUNTIME_DIR, GENERATED_DIR } from './layout.js';
export type { EmitContext, Emitter, PlannedFile, UserFileExtension, Ownership } from './plan.js';

export interface GenerateOptions {
  readonly outDir: string;
  /** Report what is stale or edited; write nothing. */
  readonly check?: boolean;
  /** List what would change; write nothing. */
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly bundle?: (payload: JsonSchema) => JsonSchema;
  readonly emitters?: readonly Emitter[];
  /** Compile validators of big catalogs on worker threads when it pays (default true; see precompile.ts). */
  readonly workers?: boolean;
}

export interface GenerateOutcome {
  /** Problems that stopped generation (errors) or that the user should know about (warnings). */
  readonly diagnostics: readonly Diagnostic[];
  /** Undefined when planning failed. */
  readonly result?: WriteResult;
  /** The output on disk is not what generate would write (changes pending or hand edits). */
  readonly stale: boolean;
  /** 0 ok; 1 stale (with --check) or hand-edited files left alone; 2 the catalog cannot be generated. */
  readonly exitCode: 0 | 1 | 2;
}

/** Compiles and plans every file (nothing is written). Big catalogs compile validators on worker threads. */
export async function planGeneration(project: Project, options: Omit<GenerateOptions, 'outDir'> = {}): Promise<Plan> {
  const planOptions = {
    ...(options.bundle === undefined ? {} : { bundle: options.bundle }),
    ...(options.emitters === undefined ? {} : { emitters: options.emitters }),
  };
  let precompiled: ReadonlyMap<string, string> | undefined;
  if (nameProblems(project).length === 0 && options.workers !== false) {
    const bundleProblems: BundleProblem[] = [];
    const ctx = emitContext(project, planOptions, [], bundleProblems);
    const jobs = project.catalog.messages.map((m) => validatorJob(m, ctx));
    // With problems, leave it to the planner, which reports them.
    if (bundleProblems.length === 0) precompiled = await precompileValidators(jobs);
  }
  return planProject(project, { ...planOptions, ...(precompiled === undefined ? {} : { precompiled }) });
}

/** Applies a plan (or, with --check/--dry-run, only compares it with the disk). */
export async function applyGeneration(plan: Plan, options: GenerateOptions): Promise<GenerateOutcome> {
  if (plan.diagnostics.some((d) => d.severity === 'error')) return { diagnostics: plan.diagnostics, stale: true, exitCode: 2 };
  const readOnly = options.check === true || options.dryRun === true;
  const result = await applyPlan(plan.files, { outDir: options.outDir, dryRun: readOnly, force: options.force === true });
  const stale = result.changes.length > 0 || result.conflicts.length > 0 || result.manifestChanged;
  const exitCode = result.conflicts.length > 0 || (options.check === true && stale) ? 1 : 0;
  return { diagnostics: plan.diagnostics, result, stale, exitCode };
}

export async function generate(project: Project, options: GenerateOptions): Promise<GenerateOutcome> {
  return applyGeneration(await planGeneration(project, options), options);
}

const VERB: Record<string, readonly [string, string]> = {
  create: ['create', 'created'],
  update: ['update', 'updated'],
  delete: ['remove', 'removed'],
  extend: ['extend', 'extended'],
};

/** Human-readable report, one line per change; `would` phrasing for --check and --dry-run. */
export function renderOutcome(outcome: GenerateOutcome, options: { readonly check?: boolean; readonly dryRun?: boolean }): string[] {
  const lines: string[] = [];
  const result = outcome.result;
  if (result === undefined) return lines;
  const hypothetical = options.check === true || options.dryRun === true;
  for (const change of result.changes) {
    const [verb, past] = VERB[change.kind] ?? [change.kind, change.kind];
    const added = change.added === undefined ? '' : ` (+ ${change.added.join(', ')})`;
    lines.push(`${hypothetical ? `would ${verb}` : past} ${change.path}${change.ownership === 'user' ? ' [yours]' : ''}${added}`);
  }
  for (const conflict of result.conflicts) lines.push(`edited ${conflict.path}: ${conflict.message}`);
  for (const notice of result.notices) lines.push(`warning: ${notice}`);
  const total = result.changes.length;
  if (options.check === true) {
    lines.push(outcome.stale ? `generated code is stale: ${total} file(s) to change, ${result.conflicts.length} edited by hand (run edasaga generate)` : `generated code is up to date (${result.unchanged} files)`);
  } else if (options.dryRun === true) {
    lines.push(`${total} file(s) would change, ${result.unchanged} unchanged`);
  } else {
    lines.push(`${total} file(s) changed, ${result.unchanged} unchanged${result.conflicts.length > 0 ? `, ${result.conflicts.length} left alone (edited by hand)` : ''}`);
  }
  return lines;
}
