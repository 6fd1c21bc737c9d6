// Runs `edasaga init` and reports what it did, as text or JSON.

import { relative } from 'node:path';
import { resolve } from 'node:path';
import { initProject, type TemplateName } from '../init/init.js';
import { EXIT_INVALID_INPUT, EXIT_OK } from './exit-codes.js';
import { cwdOf, type Io } from './io.js';
import { renderDiagnostics } from './render.js';

export interface RunInitOptions {
  readonly dir: string;
  readonly template: TemplateName;
  readonly force: boolean;
  readonly format: 'text' | 'json';
  readonly color: boolean;
}

export const NEXT_STEPS = ['edasaga validate', 'edasaga generate', 'npm install && npm run demo'];

export function runInit(options: RunInitOptions, out: Io): number {
  const cwd = cwdOf(out);
  const result = initProject({ ...options, dir: resolve(cwd, options.dir) });
  // Every init problem is about the target directory or the invocation: invalid input, exit 2.
  const code = result.diagnostics.length > 0 ? EXIT_INVALID_INPUT : EXIT_OK;
  const cdTarget = relative(cwd, result.dir);
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
    out.stderr.write(renderDiagnostics(result.diagnostics, { format: 'text', color: options.color }));
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
