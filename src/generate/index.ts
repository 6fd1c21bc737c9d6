// `edasaga generate` as a library: plan the files from a validated project, apply the plan to the
// output directory, and say what happened. The command only parses flags and prints.
import type { Diagnostic } from '../core/diagnostics.js';
import type { JsonSchema, Project } from '../model/types.js';
import type { Emitter } from './plan.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitContext, header, nameProblems, planProject, type Plan, type Precompiled } from './planner.js';
import { layout, MANIFEST_PATH } from './layout.js';
import { jobHash, type ValidatorJob } from './validator-compile.js';
import { validatorJob } from './emit/validators.js';
import { precompileValidators } from './precompile.js';
import type { BundleProblem } from './bundle.js';
import { applyPlan, parseManifest, sha256, type WriteResult } from './writer.js';
import { readExistingProject } from './existing.js';
import { movedTo } from './project/legacy.js';

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

/** Compiles and plans every file (nothing is written). */
export async function planGeneration(project: Project, options: Omit<GenerateOptions, 'outDir'> & { readonly outDir?: string } = {}): Promise<Plan> {
  const planOptions = {
    ...(options.bundle === undefined ? {} : { bundle: options.bundle }),
    ...(options.emitters === undefined ? {} : { emitters: options.emitters }),
    ...(options.outDir === undefined ? {} : { existing: readExistingProject(options.outDir) }),
  };
  let precompiled: Map<string, Precompiled> | undefined;
  if (nameProblems(project).length === 0) {
    const bundleProblems: BundleProblem[] = [];
    const ctx = emitContext(project, planOptions, [], bundleProblems);
    const jobs = project.catalog.messages.map((m) => validatorJob(m, ctx));
    // With problems, leave it to the planner, which reports them.
    if (bundleProblems.length === 0) {
      // Validators whose inputs did not change since the last run are reused from disk (compiling
      // is most of the work); then big catalogs compile the rest on worker threads.
      precompiled = options.outDir === undefined ? new Map() : reusableValidators(options.outDir, ctx.catalogLabel, jobs);
      const rest = jobs.filter((job) => !precompiled?.has(job.name));
      const compiled = options.workers === false ? undefined : await precompileValidators(rest);
      const byName = new Map(rest.map((job) => [job.name, job]));
      for (const [name, content] of compiled ?? []) {
        const job = byName.get(name);
        if (job !== undefined) precompiled.set(name, { content, inputHash: jobHash(job) });
      }
    }
  }
  return planProject(project, { ...planOptions, ...(precompiled === undefined ? {} : { precompiled }) });
}

/** Validator modules on disk that are exactly what compiling `jobs` would produce again. */
function reusableValidators(outDir: string, catalogLabel: string, jobs: readonly ValidatorJob[]): Map<string, Precompiled> {
  const reusable = new Map<string, Precompiled>();
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(readFileSync(join(outDir, MANIFEST_PATH), 'utf8'));
  } catch {
    return reusable;
  }
  for (const job of jobs) {
    const path = layout.validator(job.name);
    const entry = manifest.files[path];
    if (entry?.input === undefined || entry.sha256 === undefined) continue;
    const inputHash = jobHash(job);
    if (entry.input !== inputHash) continue;
    let text: string;
    try {
      text = readFileSync(join(outDir, path), 'utf8');
    } catch {
      continue;
    }
    // Only a file exactly as edasaga wrote it (hand edits are the writer's business to report).
    const head = header(path, catalogLabel);
    if (sha256(text) !== entry.sha256 || !text.startsWith(head)) continue;
    reusable.set(job.name, { content: text.slice(head.length), inputHash });
  }
  return reusable;
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
  const created = new Set(result.changes.filter((c) => c.kind === 'create').map((c) => c.path));
  const moved = result.changes.filter((c) => c.kind === 'delete' && created.has(movedTo(c.path) ?? ''));
  if (moved.length > 0) {
    const runtime = moved.filter((c) => c.path.startsWith('src/edasaga-runtime/')).length;
    const others = moved.filter((c) => !c.path.startsWith('src/edasaga-runtime/')).map((c) => `${c.path} -> ${movedTo(c.path)}`);
    lines.push(
      `${hypothetical ? 'would move' : 'moved'} ${moved.length} of edasaga's files into src/generated/ (${[...(runtime > 0 ? [`src/edasaga-runtime/ -> src/generated/runtime/, ${runtime} files`] : []), ...others].join('; ')}); none of your files was moved or changed`,
    );
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
