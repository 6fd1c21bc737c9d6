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
// A command that reads no catalog (like `init`) extends EdasagaBaseCommand instead: same --format,
// error handling and helpers, without --catalog/--saga.
//
// Exit codes (src/cli/exit-codes.ts): 0 ok, 1 findings, 2 invalid input or usage. `finish` derives
// the code from the diagnostics; `fail(message)` reports a usage error (exit 2). Flag parse errors
// (unknown flag, bad --format value, missing argument) are caught here and printed as one clean
// line with exit 2, never as a stack trace. Write JSON with `this.writeJson(value)`.

import { Command, Errors, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';
import type { Diagnostic } from '../core/diagnostics.js';
import { EXIT_INVALID_INPUT, exitCodeFor } from './exit-codes.js';
import { renderDiagnostics, shouldColor, summaryLine } from './render.js';
import { BASE_FLAG_SPEC } from './flag-spec.js';

// oclif does not export these two; same shapes as its interfaces/parser.d.ts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type FlagOutput = { [name: string]: any };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArgOutput = { [name: string]: any };
type Input<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput> = Interfaces.Input<F, B, A>;
type ParserOutput<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput> = Interfaces.ParserOutput<F, B, A>;

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

/**
 * Base of commands that do not read a catalog (e.g. `init`): --format, clean usage errors (exit 2),
 * diagnostics printing and exit codes. Commands that read a catalog extend EdasagaCommand below.
 */
export abstract class EdasagaBaseCommand extends Command {
  static override baseFlags = { format: formatFlag() };

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

  /** Every failure of flag/argument parsing is a usage error (exit 2), whatever oclif calls it. */
  protected override async parse<F extends FlagOutput, B extends FlagOutput, A extends ArgOutput>(
    options?: Input<F, B, A>,
    argv?: string[],
  ): Promise<ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv);
    } catch (err) {
      if (err instanceof Errors.ExitError) throw err;
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    if (err instanceof UsageError) {
      const id = this.id ? ` ${this.id.replace(/:/g, ' ')}` : '';
      process.stderr.write(`error: ${err.message.split('\n').map((l) => l.trimEnd()).filter((l) => !/^See more help/.test(l.trim())).join('\n       ')}\nSee: ${this.config.bin}${id} --help\n`);
      this.exit(EXIT_INVALID_INPUT);
    }
    return super.catch(err);
  }
}

/** Base of commands that read a catalog and sagas: adds --catalog and --saga. */
export abstract class EdasagaCommand extends EdasagaBaseCommand {
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
}

/** A mistake in how the command was invoked (flags, arguments). */
export class UsageError extends Error {
  override name = 'UsageError';
}
