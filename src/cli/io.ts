// The one shape of a command runner: parsed options and an Io in, an exit code out. The oclif
// commands in src/commands only parse flags and call a runner with processIo(); the lean validate
// path (fast-validate.ts) calls its runner the same way without loading oclif; tests call runners
// with an Io that captures what is written. Runners sit here, in the CLI layer, over core
// functions (load, validate, plan, compare, import, export) that return outcomes and print nothing.
//
// This module imports nothing, so that the fast path pays nothing for it.

export interface Writable {
  write(text: string): unknown;
}

export interface Io {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Directory relative paths are resolved against and displayed from. Default: process.cwd(). */
  readonly cwd?: string | undefined;
  /** Environment the runner may read. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv | undefined;
}

/** A command runner; returns the exit code (src/cli/exit-codes.ts). */
export type Runner<Options> = (options: Options, io: Io) => Promise<number> | number;

/** The process's own streams, working directory and environment. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

export function cwdOf(io: Io): string {
  return io.cwd ?? process.cwd();
}

export function envOf(io: Io): NodeJS.ProcessEnv {
  return io.env ?? process.env;
}
