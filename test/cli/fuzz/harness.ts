// The CLI fuzz run (issue 15, item 5): mutated copies of the example catalog and saga go through
// the built `validate`, `generate` and `check-compat` (worker.mjs, a child process), and every
// result must keep edasaga's promises:
// - exit 0, 1 or 2 only; never an exception (a stack trace), never a crash, never a hang;
// - every exit-2 error located: a line and column for every `position` code of the registry
//   (src/core/codes.ts), the file for a `file` code; and at least one error saying why;
// - the three commands agree on what is invalid input; nothing printed outside their output;
// - the fast and the careful YAML path give the same diagnostics and the same model;
// - a catalog that validates generates (and a sample of them, written out, compiles under the
//   generated project's strict tsconfig: one tsc run for all of them at the end).
// Used by test/cli/fuzz.test.ts (fixed seed, a short run) and bench/fuzz.mjs (a long one).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { CODES, isDiagnosticCode } from '../../../src/core/codes.js';
import { linkRuntime, typecheckProjects } from '../../generate/helpers/compile-projects.js';
import { applyMutation, describeMutations, mutations, type Files, type Mutation } from './mutations.js';

export const REPO = resolve(import.meta.dirname, '../../..');
const EXAMPLE = join(REPO, 'examples/order-system');

export interface FuzzOptions {
  readonly seed: number;
  readonly runs: number;
  /** How many clean catalogs to generate for real and compile (0: none). */
  readonly compileSamples: number;
  /** Folder for the cases; must be inside the repository (the compiled samples use its node_modules). */
  readonly root: string;
  /** A case (three commands and two loads) taking longer is a hang. */
  readonly caseTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface CommandResult {
  readonly exit: number | 'threw';
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
  readonly ms: number;
}

export interface CaseResult {
  readonly validate: CommandResult;
  readonly generate: CommandResult;
  readonly compat: CommandResult;
  readonly fast: string;
  readonly careful: string;
}

export interface FuzzReport {
  readonly cases: number;
  /** `validate/generate/check-compat` exit codes -> how many cases. */
  readonly exits: Record<string, number>;
  /** Codes seen in exit-2 results, with counts. */
  readonly codes: Record<string, number>;
  readonly compiled: number;
  readonly compileOutput: string;
  readonly ms: { readonly total: number; readonly commands: number; readonly compile: number };
}

/** The worker process, restarted after a crash or a hang. */
class Worker {
  private child: ChildProcessWithoutNullStreams | undefined;
  private pending: { resolve: (r: CaseResult) => void; reject: (e: Error) => void } | undefined;
  private stray = '';

  private start(): ChildProcessWithoutNullStreams {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'worker.mjs'), join(REPO, 'dist')], { stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('@@result ')) {
        this.stray += `${line}\n`;
        return;
      }
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(JSON.parse(line.slice('@@result '.length)) as CaseResult);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stray += chunk.toString()));
    child.on('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(new Error(`the worker died (exit ${code}, signal ${signal}):\n${this.stray.slice(-3000)}`));
    });
    return child;
  }

  async run(job: { dir: string; write: boolean; against?: string }, timeoutMs: number): Promise<CaseResult & { stray: string }> {
    const child = (this.child ??= this.start());
    this.stray = '';
    const result = await new Promise<CaseResult>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        child.kill('SIGKILL');
        reject(new Error(`no result after ${timeoutMs} ms: a hang`));
      }, timeoutMs);
      this.pending = {
        resolve: (r) => (clearTimeout(timer), resolvePromise(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      child.stdin.write(`${JSON.stringify(job)}\n`);
    });
    return { ...result, stray: this.stray };
  }

  stop(): void {
    this.child?.kill();
    this.child = undefined;
  }
}

const STACK_FRAME = /^\s+at .+(?::\d+:\d+\)?|\(native\))$/m;

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
}

/** The diagnostics a command printed as JSON (validate: `diagnostics`; the others the same key). */
function diagnosticsOf(result: CommandResult): JsonDiagnostic[] | undefined {
  try {
    const parsed = JSON.parse(result.stdout) as { diagnostics?: JsonDiagnostic[] };
    return parsed.diagnostics;
  } catch {
    return undefined;
  }
}

/** Everything wrong with one case's results; empty when it kept every promise. */
export function problemsOf(result: CaseResult & { stray: string }): string[] {
  const problems: string[] = [];
  const commands = { validate: result.validate, generate: result.generate, 'check-compat': result.compat } as const;
  for (const [name, r] of Object.entries(commands)) {
    if (r.exit === 'threw') {
      problems.push(`${name} threw (the CLI would print a stack trace): ${r.error?.split('\n').slice(0, 6).join('\n')}`);
      continue;
    }
    if (![0, 1, 2].includes(r.exit)) problems.push(`${name} exited ${r.exit}`);
    if (STACK_FRAME.test(r.stdout) || STACK_FRAME.test(r.stderr)) problems.push(`${name} printed a stack trace:\n${(r.stdout + r.stderr).slice(0, 1500)}`);
    if (r.exit !== 2) continue;
    const diagnostics = diagnosticsOf(r);
    if (diagnostics === undefined) {
      problems.push(`${name} exited 2 without JSON diagnostics: ${r.stdout.slice(0, 300)}`);
      continue;
    }
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) problems.push(`${name} exited 2 without an error saying why`);
    for (const d of errors) {
      if (!isDiagnosticCode(d.code)) {
        problems.push(`${name}: unregistered code ${d.code}`);
        continue;
      }
      const where = CODES[d.code].where;
      if (where === 'position' && (d.file === undefined || d.line === undefined || d.col === undefined)) problems.push(`${name}: ${d.code} without file:line:col: ${JSON.stringify(d)}`);
      if (where === 'file' && d.file === undefined) problems.push(`${name}: ${d.code} without a file: ${JSON.stringify(d)}`);
    }
  }
  const v = result.validate.exit;
  const g = result.generate.exit;
  const c = result.compat.exit;
  if (v === 2 && (g !== 2 || c !== 2)) problems.push(`validate says invalid input, but generate exits ${g} and check-compat ${c}`);
  if (v === 0 && g !== 0) problems.push(`a catalog that validates does not generate (exit ${g}): ${result.generate.stdout.slice(0, 1500)}`);
  if (v === 0 && c === 2) problems.push(`a catalog that validates is invalid input to check-compat: ${result.compat.stdout.slice(0, 1500)}`);
  if (result.fast !== result.careful) problems.push(`the fast and careful YAML paths differ:\n fast:    ${result.fast.slice(0, 1500)}\n careful: ${result.careful.slice(0, 1500)}`);
  if (result.stray.trim() !== '') problems.push(`output outside the commands' own: ${result.stray.slice(0, 1500)}`);
  return problems;
}

function writeCase(dir: string, files: Files): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'sagas'), { recursive: true });
  mkdirSync(join(dir, 'schemas'), { recursive: true });
  const bytes: Record<'catalog' | 'saga', Buffer> = { catalog: Buffer.from(files.catalog), saga: Buffer.from(files.saga) };
  for (const b of files.bytes) {
    const buffer = bytes[b.target];
    if (buffer.length > 0) buffer[b.at % buffer.length] = b.byte;
  }
  writeFileSync(join(dir, 'catalog.yaml'), bytes.catalog);
  writeFileSync(join(dir, 'sagas/order-saga.yaml'), bytes.saga);
  // A schema file that refers to itself, for `$ref: ./schemas/self.json`.
  writeFileSync(join(dir, 'schemas/self.json'), '{ "$ref": "./self.json" }\n');
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const catalog = readFileSync(join(EXAMPLE, 'catalog.yaml'), 'utf8');
  const saga = readFileSync(join(EXAMPLE, 'sagas/order-saga.yaml'), 'utf8');
  mkdirSync(options.root, { recursive: true });
  // Beside every case: the unmutated catalog (check-compat's baseline) and a file a `$ref: ../outside.json` reaches.
  mkdirSync(join(options.root, 'original/sagas'), { recursive: true });
  writeFileSync(join(options.root, 'original/catalog.yaml'), catalog);
  writeFileSync(join(options.root, 'original/sagas/order-saga.yaml'), saga);
  writeFileSync(join(options.root, 'outside.json'), '{ "type": "string" }\n');

  const worker = new Worker();
  const exits: Record<string, number> = {};
  const codes: Record<string, number> = {};
  const samples: string[] = [];
  let cases = 0;
  let commandsMs = 0;
  try {
    await fc.assert(
      fc.asyncProperty(mutations, async (list: Mutation[]) => {
        const files: Files = { catalog, saga, bytes: [] };
        for (const m of list) applyMutation(files, m);
        const dir = join(options.root, `case-${cases}`);
        writeCase(dir, files);
        const job = { dir, write: false, against: join(options.root, 'original/catalog.yaml') };
        const result = await worker.run(job, options.caseTimeoutMs ?? 60_000).catch((error: Error) => {
          throw new Error(`${describeMutations(list)}\n${error.message}`);
        });
        cases++;
        commandsMs += result.validate.ms + result.generate.ms + result.compat.ms;
        const problems = problemsOf(result);
        if (problems.length > 0) throw new Error(`case ${dir}: ${describeMutations(list)}\n- ${problems.join('\n- ')}`);
        count(exits, `${result.validate.exit}/${result.generate.exit}/${result.compat.exit}`);
        for (const d of diagnosticsOf(result.validate) ?? []) if (d.severity === 'error') count(codes, d.code);
        if (result.validate.exit === 0 && samples.length < options.compileSamples) {
          // Written for real this time, to be compiled with the other samples at the end.
          const written = await worker.run({ dir, write: true }, options.caseTimeoutMs ?? 60_000);
          if (written.generate.exit !== 0) throw new Error(`case ${dir}: ${describeMutations(list)}\n- generate (writing) exited ${written.generate.exit}: ${written.generate.stdout.slice(0, 1500)}`);
          samples.push(dir);
          log(`compile sample ${samples.length}: ${describeMutations(list)}`);
        } else rmSync(dir, { recursive: true, force: true });
        if (cases % 25 === 0) log(`${cases} cases, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }),
      { seed: options.seed, numRuns: options.runs, endOnFailure: true },
    );
  } finally {
    worker.stop();
  }

  const compileStarted = performance.now();
  for (const dir of samples) linkRuntime(dir);
  const compileOutput = await typecheckProjects(options.root, samples);
  const compileMs = performance.now() - compileStarted;
  return { cases, exits, codes, compiled: samples.length, compileOutput, ms: { total: performance.now() - started, commands: commandsMs, compile: compileMs } };
}
