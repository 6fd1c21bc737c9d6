// What `edasaga validate` does, as a function of its options: load, report, exit code. Called by
// the oclif command and by the lean path in bin/run.js, so both behave identically.

import { resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { loadProject } from '../project/load.js';
import { exitCodeFor } from './exit-codes.js';
import { checkStepTimeouts, chooseTransport } from '../validate/timeout-rules.js';
import { cwdOf, envOf, type Io } from './io.js';
import { diagnosticsToJson, displayPath, renderDiagnostics, summaryCounts, summaryLine } from './render.js';

export interface ValidateOptions {
  readonly catalog: string;
  readonly sagas?: readonly string[] | undefined;
  readonly format: 'text' | 'json';
  readonly color: boolean;
  /** The transport the project runs on (step timeouts are checked against its redelivery bound). Default: EDASAGA_TRANSPORT, else in-process. */
  readonly transport?: string | undefined;
}

export async function runValidate(options: ValidateOptions, out: Io): Promise<number> {
  const cwd = cwdOf(out);
  const choice = chooseTransport(options.transport, envOf(out));
  if (!choice.ok) {
    out.stderr.write(renderDiagnostics([choice.diagnostic], { format: 'text', color: options.color }));
    return exitCodeFor([choice.diagnostic]);
  }
  const catalogPath = resolve(cwd, options.catalog);
  const result = await loadProject(
    options.sagas && options.sagas.length > 0 ? { catalogPath, sagaPaths: options.sagas.map((s) => resolve(cwd, s)) } : { catalogPath },
  );
  const { project } = result;
  const diagnostics = project ? [...result.diagnostics, ...checkStepTimeouts(project.sagas, choice.transport)] : result.diagnostics;
  const code = exitCodeFor(diagnostics);
  if (options.format === 'json') {
    out.stdout.write(
      JSON.stringify(
        {
          ok: project !== undefined,
          catalog: displayPath(project?.catalog.file ?? catalogPath),
          sagas: project?.sagas.map((s) => ({ name: s.name, file: displayPath(s.file) })) ?? [],
          ...(project
            ? { counts: { services: project.catalog.services.length, messages: project.catalog.messages.length, sagas: project.sagas.length, choreographies: project.choreographies?.length ?? 0 } }
            : {}),
          diagnostics: diagnosticsToJson(diagnostics),
          ...summaryCounts(diagnostics),
        },
        null,
        2,
      ) + '\n',
    );
    return code;
  }
  printText(diagnostics, options.color, result.sources, out);
  if (project) {
    const c = project.catalog;
    // Orchestrated sagas and choreographies are both "sagas" to the reader; each is named.
    const flows = [...project.sagas.map((s) => s.name), ...(project.choreographies ?? []).map((c) => `${c.name}, choreographed`)];
    const sagas = flows.length === 0 ? 'no sagas' : `${plural(flows.length, 'saga')} (${flows.join('; ')})`;
    out.stdout.write(
      `ok: ${displayPath(c.file)} is valid: ${plural(c.services.length, 'service')}, ${plural(c.messages.length, 'message')}, ${sagas}\n`,
    );
  }
  return code;
}

function printText(diagnostics: readonly Diagnostic[], color: boolean, sources: { text(file: string): string | undefined }, out: Io): void {
  if (diagnostics.length === 0) return;
  out.stderr.write(renderDiagnostics(diagnostics, { format: 'text', color, sources }));
  out.stderr.write(`\n${summaryLine(diagnostics)}\n`);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
