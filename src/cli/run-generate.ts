// What `edasaga generate` does, minus flag parsing: load and validate the project (the same
// located diagnostics as `validate`), plan, apply, report. Returns the exit code.
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { applyGeneration, planGeneration, renderOutcome, type GenerateOutcome } from '../generate/index.js';
import { loadForGenerate } from '../generate/load.js';
import { collectGarbage } from '../generate/memory.js';
import type { Plan } from '../generate/planner.js';
import { EXIT_INVALID_INPUT } from './exit-codes.js';
import { cwdOf, type Io } from './io.js';
import { renderDiagnostics, summaryLine } from './render.js';

/** From this many messages on, collecting garbage between phases pays (see memory.ts). */
const BIG_CATALOG = 200;

export interface GenerateCommandOptions {
  readonly catalog: string;
  readonly sagas?: readonly string[];
  /** Default: the catalog's folder, so an init'd project becomes runnable after generate. */
  readonly out?: string;
  readonly check?: boolean;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly format: 'text' | 'json';
  readonly color: boolean;
}

function outDirOf(options: GenerateCommandOptions, cwd: string): string {
  return resolve(cwd, options.out ?? dirname(resolve(cwd, options.catalog)));
}

/**
 * Loads and plans. A function of its own so that the loaded documents are unreachable while the
 * plan is written: on big catalogs they are most of the memory.
 */
async function loadAndPlan(options: GenerateCommandOptions, cwd: string): Promise<{ readonly loadDiagnostics: readonly Diagnostic[]; readonly plan?: Plan }> {
  const loaded = await loadForGenerate(resolve(cwd, options.catalog), options.sagas?.map((s) => resolve(cwd, s)));
  if (loaded.project === undefined) return { loadDiagnostics: loaded.diagnostics };
  if (loaded.project.catalog.messages.length >= BIG_CATALOG) collectGarbage();
  const plan = await planGeneration(loaded.project, { outDir: outDirOf(options, cwd), ...(loaded.bundle === undefined ? {} : { bundle: loaded.bundle }) });
  // Refs the shared resolver could not bundle (validate should have caught them): nothing is written.
  return { loadDiagnostics: loaded.diagnostics, plan: { files: plan.files, diagnostics: [...plan.diagnostics, ...loaded.bundleProblems] } };
}

export async function runGenerateCommand(options: GenerateCommandOptions, io: Io): Promise<number> {
  const cwd = cwdOf(io);
  const render = (diagnostics: readonly Diagnostic[]) => renderDiagnostics(diagnostics, { format: 'text', color: options.color });
  const { loadDiagnostics, plan } = await loadAndPlan(options, cwd);
  if (plan !== undefined && plan.files.length >= BIG_CATALOG * 3) collectGarbage();
  if (plan === undefined) {
    if (options.format === 'json') io.stdout.write(renderDiagnostics(loadDiagnostics, { format: 'json', color: false }));
    else io.stderr.write(`${render(loadDiagnostics)}\n${summaryLine(loadDiagnostics)}; nothing generated\n`);
    return EXIT_INVALID_INPUT;
  }
  const outDir = outDirOf(options, cwd);
  const outcome: GenerateOutcome = await applyGeneration(plan, {
    outDir,
    check: options.check === true,
    dryRun: options.dryRun === true,
    force: options.force === true,
  });
  const diagnostics = [...loadDiagnostics, ...outcome.diagnostics];
  const exitCode = outcome.exitCode;
  if (options.format === 'json') {
    io.stdout.write(
      `${JSON.stringify(
        {
          out: outDir,
          stale: outcome.stale,
          changes: outcome.result?.changes ?? [],
          conflicts: outcome.result?.conflicts ?? [],
          notices: outcome.result?.notices ?? [],
          unchanged: outcome.result?.unchanged ?? 0,
          diagnostics: JSON.parse(renderDiagnostics(diagnostics, { format: 'json', color: false }))['diagnostics'],
          exitCode,
        },
        null,
        2,
      )}\n`,
    );
    return exitCode;
  }
  if (diagnostics.length > 0) io.stderr.write(render(diagnostics));
  if (diagnostics.length > 0) io.stderr.write(`${summaryLine(diagnostics)}\n`);
  const lines = renderOutcome(outcome, { check: options.check === true, dryRun: options.dryRun === true });
  if (lines.length > 0) io.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
}
