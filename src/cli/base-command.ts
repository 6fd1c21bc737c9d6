// Base class of every edasaga command. How to use it in a new command (generate, check-compat, ...):
//
//   import { Flags } from '@oclif/core';
//   import { EdasagaCommand, formatFlag } from '../cli/base-command.js';
//
//   export default class Generate extends EdasagaCommand {
//     static override description = 'Generate ...';
//     // Inherits --catalog, --saga (repeatable), --format text|json. To add formats:
//     static override baseFlags = { ...EdasagaCommand.baseFlags, format: formatFlag(['sarif']) };
//     static override flags = { out: Flags.string({ description: '...' }) };
//
//     async run(): Promise<void> {
//       const { flags } = await this.parse(Generate);
//       const { loadProject } = await import('../project/load.js');   // lazy: keep --help fast
//       const result = await loadProject(this.projectOptions(flags));
//       if (!result.project) return this.finish(result.diagnostics, flags.format, result.sources);
//       ... do the work, collect findings as Diagnostics ...
//       return this.finish(findings, flags.format, result.sources);  // prints, sets exit code 0/1/2
//     }
//   }
//
// Exit codes (src/cli/exit-codes.ts): 0 ok, 1 findings, 2 invalid input or usage. `finish` derives
// the code from the diagnostics; `fail(message)` reports a usage error (exit 2). Flag parse errors
// (unknown flag, bad --format value, missing argument) are caught here and printed as one clean
// line with exit 2, never as a stack trace. Write JSON with `this.writeJson(value)`.

import { Command, Errors, Flags } from '@oclif/core';
import type { Diagnostic } from '../core/diagnostics.js';
import { EXIT_INVALID_INPUT, exitCodeFor } from './exit-codes.js';
import { renderDiagnostics, shouldColor, summaryLine } from './render.js';
import { BASE_FLAG_SPEC } from './flag-spec.js';

/** The --format flag; `extra` adds formats a command renders itself (e.g. 'sarif', 'markdown'). */
export function formatFlag(extra: readonly string[] = []) {
  return Flags.string({
    description: BASE_FLAG_SPEC.format.description,
    options: [...BASE_FLAG_SPEC.format.options, ...extra],
    default: BASE_FLAG_SPEC.format.default,
    helpGroup: 'GLOBAL',
  });
}

export interface ProjectFlags {
  readonly catalog: string;
  readonly saga?: readonly string[] | undefined;
}

export abstract class EdasagaCommand extends Command {
  static override baseFlags = {
    catalog: Flags.string({
      description: BASE_FLAG_SPEC.catalog.description,
      default: BASE_FLAG_SPEC.catalog.default,
      helpGroup: 'GLOBAL',
    }),
    saga: Flags.string({
      description: BASE_FLAG_SPEC.saga.description,
      multiple: true,
      helpGroup: 'GLOBAL',
    }),
    format: formatFlag(),
  };

  /** Options for loadProject from the base flags. */
  protected projectOptions(flags: ProjectFlags): { catalogPath: string; sagaPaths?: readonly string[] } {
    return flags.saga && flags.saga.length > 0 ? { catalogPath: flags.catalog, sagaPaths: flags.saga } : { catalogPath: flags.catalog };
  }

  /** Prints diagnostics in `format` (text goes to stderr when there are errors) and sets the exit code. */
  protected finish(diagnostics: readonly Diagnostic[], format: string, sources?: { text(file: string): string | undefined }, okMessage?: string): void {
    const code = exitCodeFor(diagnostics);
    if (format === 'json') {
      process.stdout.write(renderDiagnostics(diagnostics, { format: 'json', color: false, ...(sources ? { sources } : {}) }));
    } else {
      const stream = process.stderr;
      if (diagnostics.length > 0) {
        stream.write(renderDiagnostics(diagnostics, { format: 'text', color: shouldColor(stream), ...(sources ? { sources } : {}) }));
        stream.write(`\n${summaryLine(diagnostics)}\n`);
      }
      if (code === 0 && okMessage) process.stdout.write(okMessage + '\n');
    }
    process.exitCode = code;
  }

  protected writeJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** A usage error: one line on stderr, exit 2. */
  protected fail(message: string): never {
    process.stderr.write(`error: ${message}\n`);
    this.exit(EXIT_INVALID_INPUT);
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (isParseError(err)) {
      const id = this.id ? ` ${this.id.replace(/:/g, ' ')}` : '';
      process.stderr.write(`error: ${err.message.split('\n').map((l) => l.trimEnd()).filter((l) => !/^See more help/.test(l.trim())).join('\n       ')}\nSee: ${this.config.bin}${id} --help\n`);
      this.exit(EXIT_INVALID_INPUT);
    }
    return super.catch(err);
  }
}

function isParseError(err: unknown): err is Error {
  return err instanceof Errors.CLIError && 'parse' in err;
}
