// Base classes of the edasaga commands. A command only parses its flags and hands them to a runner
// (src/cli/io.ts: options + Io in, exit code out), loaded lazily so that --help stays fast:
//
//   import { Flags } from '@oclif/core';
//   import { EdasagaCommand, formatFlag } from '../cli/base-command.js';
//   import { processIo } from '../cli/io.js';
//
//   export default class Generate extends EdasagaCommand {
//     static override description = 'Generate ...';
//     // Inherits --catalog, --saga (repeatable), --format text|json. To add formats:
//     static override baseFlags = { ...EdasagaCommand.baseFlags, format: formatFlag(['sarif']) };
//     static override flags = { out: Flags.string({ description: '...' }) };
//
//     async run(): Promise<void> {
//       const { flags } = await this.parse(Generate);
//       const { runGenerateCommand } = await import(RUNNER_MODULE); // e.g. ../cli/run-generate.js, lazily
//       process.exitCode = await runGenerateCommand({ catalog: flags.catalog, ... }, processIo());
//     }
//   }
//
// A command that reads no catalog (like `init`) extends EdasagaBaseCommand instead: same --format
// and error handling, without --catalog/--saga.
//
// Exit codes (src/cli/exit-codes.ts): 0 ok, 1 findings, 2 invalid input or usage. Flag parse errors
// (unknown flag, bad --format value, missing argument) are caught here and printed as one clean
// line with exit 2, never as a stack trace.

import { Command, Errors, Flags } from '@oclif/core';
import type { Interfaces } from '@oclif/core';
import { EXIT_INVALID_INPUT } from './exit-codes.js';
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

/**
 * Base of commands that do not read a catalog (e.g. `init`): --format and clean usage errors (exit 2).
 * Commands that read a catalog extend EdasagaCommand below.
 */
export abstract class EdasagaBaseCommand extends Command {
  static override baseFlags = { format: formatFlag() };

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
}

/** A mistake in how the command was invoked (flags, arguments). */
class UsageError extends Error {
  override name = 'UsageError';
}
