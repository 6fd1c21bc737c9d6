// What `edasaga generate` does, minus flag parsing: load and validate the project (the same
// located diagnostics as `validate`), plan, apply, report. Returns the exit code.
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { renderDiagnostics, summaryLine } from '../cli/render.js';
import { generate, renderOutcome, type GenerateOutcome } from './index.js';
import { loadForGenerate } from './load.js';

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

export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export async function runGenerateCommand(options: GenerateCommandOptions, output: Output): Promise<number> {
  const render = (diagnostics: readonly Diagnostic[]) => renderDiagnostics(diagnostics, { format: 'text', color: options.color });
  const loaded = await loadForGenerate(options.catalog, options.sagas);
  if (loaded.project === undefined) {
    if (options.format === 'json') output.stdout(renderDiagnostics(loaded.diagnostics, { format: 'json', color: false }));
    else output.stderr(`${render(loaded.diagnostics)}\n${summaryLine(loaded.diagnostics)}; nothing generated\n`);
    return 2;
  }
  const bundleProblems = loaded.bundleProblems;
  const outDir = resolve(options.out ?? dirname(resolve(options.catalog)));
  const outcome: GenerateOutcome = await generate(loaded.project, {
    outDir,
    check: options.check === true,
    dryRun: options.dryRun === true,
    force: options.force === true,
    ...(loaded.bundle === undefined ? {} : { bundle: loaded.bundle }),
  });
  const diagnostics = [...loaded.diagnostics, ...outcome.diagnostics, ...bundleProblems];
  const exitCode = bundleProblems.length > 0 ? 2 : outcome.exitCode;
  if (options.format === 'json') {
    output.stdout(
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
  if (diagnostics.length > 0) output.stderr(render(diagnostics));
  if (loaded.diagnostics.length > 0 || outcome.diagnostics.length > 0) output.stderr(`${summaryLine(diagnostics)}\n`);
  const lines = renderOutcome(outcome, { check: options.check === true, dryRun: options.dryRun === true });
  if (lines.length > 0) output.stdout(`${lines.join('\n')}\n`);
  return exitCode;
}
