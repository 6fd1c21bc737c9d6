// Runs `edasaga init` and reports what it did, as text or JSON.

import { relative } from 'node:path';
import { EXIT_INVALID_INPUT, EXIT_OK } from '../cli/exit-codes.js';
import { renderDiagnostics, shouldColor } from '../cli/render.js';
import type { Output } from '../cli/run-validate.js';
import { initProject } from './init.js';
import type { TemplateName } from './init.js';

export interface RunInitOptions {
  readonly dir: string;
  readonly template: TemplateName;
  readonly force: boolean;
  readonly format: 'text' | 'json';
}

export const NEXT_STEPS = ['edasaga validate', 'edasaga generate', 'npm install && npm run demo'];

export function runInit(options: RunInitOptions, out: Output): number {
  const result = initProject(options);
  // Every init problem is about the target directory or the invocation: invalid input, exit 2.
  const code = result.diagnostics.length > 0 ? EXIT_INVALID_INPUT : EXIT_OK;
  const cdTarget = relative(process.cwd(), result.dir);
  const next = [...(cdTarget === '' ? [] : [`cd ${cdTarget}`]), ...NEXT_STEPS];
  if (options.format === 'json') {
    out.stdout.write(
      JSON.stringify(
        {
          ok: code === 0,
          dir: result.dir,
          template: options.template,
          written: result.written,
          kept: result.kept,
          next: code === 0 ? next : [],
          diagnostics: result.diagnostics,
        },
        null,
        2,
      ) + '\n',
    );
    return code;
  }
  if (code !== 0) {
    out.stderr.write(renderDiagnostics(result.diagnostics, { format: 'text', color: shouldColor(process.stderr) }));
    return code;
  }
  const lines = [`Created the ${options.template} project in ${cdTarget === '' ? 'the current directory' : cdTarget}:`];
  for (const f of result.written) lines.push(`  wrote  ${f}`);
  for (const f of result.kept) lines.push(`  kept   ${f} (already there, not changed)`);
  lines.push('', 'Next:');
  for (const n of next) lines.push(`  ${n}`);
  out.stdout.write(lines.join('\n') + '\n');
  return code;
}
