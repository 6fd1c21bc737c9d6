// Runs every emitter over the project and concatenates their files into one plan: checks that
// names are safe to generate from and that every path stays inside the output directory, and gives
// generated files their do-not-edit header. Emitters are pure; the writer applies the plan.
import type { Diagnostic } from '../core/diagnostics.js';
import type { JsonSchema, Message, Project, SourceLocation } from '../model/types.js';
import type { EmitContext, Emitter, PlannedFile } from './plan.js';
import type { ExistingProject } from './existing.js';
import { bundlePayload, type BundleProblem } from './bundle.js';
import { emitDefinitions } from './emit/definitions.js';
import { emitIndex } from './emit/index-module.js';
import { emitMessages } from './emit/messages.js';
import { emitRegistry } from './emit/registry.js';
import { emitServices } from './emit/services.js';
import { emitSupport } from './emit/support.js';
import { emitUpcasters } from './emit/upcasters.js';
import { emitValidators, validatorJob } from './emit/validators.js';
import { jobHash, ValidatorCompiler } from './validator-compile.js';
import { collectGarbage } from './memory.js';
import { emitProject } from './project/index.js';
import { lineComment } from './names.js';
import { nameClashes, sharedNamespace, type NamedThing } from '../names/generated.js';
import { nameCollisions, nameProblem } from '../names/rules.js';

export interface Plan {
  readonly files: readonly PlannedFile[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlanOptions {
  /** Replaces the default bundler (catalog definitions only), e.g. with one that follows file refs. */
  readonly bundle?: (payload: JsonSchema) => JsonSchema;
  /** Emitters to run after the messaging emitter; defaults to the project emitter. */
  readonly emitters?: readonly Emitter[];
  /** Validator modules compiled ahead (by worker threads, or reused from disk), by message name. */
  readonly precompiled?: ReadonlyMap<string, Precompiled>;
  /** The project already on disk (package.json scripts, old imports), for the emitters. */
  readonly existing?: ExistingProject;
}

/** Typed messages, validators, upcasters, registry, service contracts and handler skeletons. */
export interface Precompiled {
  readonly content: string;
  readonly inputHash: string;
}

export function messagingEmitter(precompiled?: ReadonlyMap<string, Precompiled>): Emitter {
  return (project, ctx) => emitMessagingWith(project, ctx, precompiled);
}

export const emitMessaging: Emitter = messagingEmitter();

function emitMessagingWith(project: Project, ctx: EmitContext, precompiled: ReadonlyMap<string, Precompiled> | undefined): PlannedFile[] {
  const { catalog } = project;
  let compiler: ValidatorCompiler | undefined;
  let count = 0;
  const compiled = (message: Message) => {
    const ready = precompiled?.get(message.name);
    if (ready !== undefined) return ready;
    // Code generation is garbage-heavy: collect now and then on big catalogs (see memory.ts).
    if (++count % 250 === 0) collectGarbage();
    const job = validatorJob(message, ctx);
    try {
      return { content: (compiler ??= new ValidatorCompiler()).compile(job), inputHash: jobHash(job) };
    } catch (error) {
      // ajv refuses a schema that `validate` let through: a designed error, not a stack trace.
      ctx.warn({
        code: 'E_GENERATE_SCHEMA',
        severity: 'error',
        message: `cannot compile a validator for ${message.name}: ${(error as Error).message}`,
        file: message.loc.file,
        line: message.loc.line,
        col: message.loc.col,
      });
      return { content: '', inputHash: '' };
    }
  };
  // Nested payload types get names unique across everything src/generated/index.ts exports.
  const typeNames = sharedNamespace(namedThings(project).map((t) => t.thing));
  return [
    ...emitSupport(),
    ...emitDefinitions(catalog, ctx, typeNames),
    ...emitMessages(catalog, ctx, typeNames),
    ...catalog.messages.flatMap((m) => emitValidators(m, compiled)),
    ...catalog.messages.flatMap((m) => emitUpcasters(m, ctx)),
    ...emitRegistry(catalog),
    ...emitServices(catalog),
    ...emitIndex(catalog),
  ];
}

const DEFINITION_REF = /^#\/definitions\/([A-Za-z_][A-Za-z0-9_]*)$/;

function at(loc: SourceLocation): Pick<Diagnostic, 'file' | 'line' | 'col'> {
  return { file: loc.file, line: loc.line, col: loc.col };
}

/** Every service name the generator makes paths and identifiers of, once, where it is first written. */
function services(catalog: Project['catalog']): [string, SourceLocation][] {
  const found = new Map<string, SourceLocation>();
  for (const s of catalog.services) if (!found.has(s.name)) found.set(s.name, s.loc);
  for (const m of catalog.messages) if (!found.has(m.service)) found.set(m.service, m.loc);
  for (const s of catalog.subscriptions) if (!found.has(s.service)) found.set(s.service, s.loc);
  return [...found];
}

/** What the catalog and its sagas name, with where each is written (for the name rules of src/names/). */
export function namedThings(project: Project): { thing: NamedThing; loc?: SourceLocation }[] {
  const { catalog } = project;
  return [
    ...catalog.messages.map((m) => ({ thing: { kind: 'message' as const, name: m.name, versions: m.versions.map((v) => v.version) }, loc: m.loc })),
    ...Object.keys(catalog.definitions).map((name) => ({ thing: { kind: 'definition' as const, name } })),
    ...services(catalog).map(([name, loc]) => ({ thing: { kind: 'service' as const, name }, loc })),
    ...project.sagas.map((s) => ({ thing: { kind: 'saga' as const, name: s.name }, loc: s.loc })),
  ];
}

/**
 * The name rules `validate` applies (src/names/), applied again: a project built in code (or by a
 * future command) that skipped validation still cannot generate code that breaks. Each name is
 * checked once, where it is declared.
 */
function checkNames(project: Project): Diagnostic[] {
  const { catalog } = project;
  const problems: Diagnostic[] = [];
  const error = (message: string, loc?: SourceLocation): Diagnostic => ({
    code: 'E_GENERATE_NAME',
    severity: 'error',
    message: `${message}; it cannot be generated`,
    ...(loc === undefined ? { file: catalog.file } : at(loc)),
  });
  const things = namedThings(project);
  const where = new Map(things.map(({ thing, loc }) => [thing, loc]));
  const locOf = (thing: NamedThing): SourceLocation | undefined => where.get(thing);
  for (const { thing, loc } of things) {
    const problem = nameProblem(thing.kind, thing.name);
    if (problem !== undefined) problems.push(error(`${thing.kind} name ${JSON.stringify(thing.name)} ${problem}`, loc));
  }
  for (const { thing, other } of nameCollisions(things.map((t) => t.thing))) {
    problems.push(error(`${thing.kind} "${thing.name}" collides with ${other.kind} "${other.name}": they would generate the same file or identifier`, locOf(thing)));
  }
  if (problems.length > 0) return problems;
  for (const clash of nameClashes(things.map((t) => t.thing))) problems.push(error(clash.message, locOf(clash.thing)));
  return problems;
}

/** Rejects paths that could land outside the output directory or in edasaga's own folder. */
export function checkPlannedPath(path: string): string | undefined {
  if (path === '' || path.startsWith('/') || path.includes('\\') || path.includes('\0') || /^[A-Za-z]:/.test(path)) return 'not a relative POSIX path';
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'contains an empty, "." or ".." segment';
  if (segments[0] === '.edasaga') return 'is inside .edasaga/, which belongs to the writer';
  return undefined;
}

/** The do-not-edit header the planner puts on a generated file (empty for formats without comments). */
export function header(path: string, catalogLabel: string): string {
  if (!/\.(ts|js|mjs|cjs|mts|cts)$/.test(path)) return '';
  return `${lineComment(`Generated by edasaga from ${catalogLabel}. DO NOT EDIT: \`edasaga generate\` owns this file.`)}\n` +
    `// Hand edits are detected and reported (edasaga generate --force replaces them).\n`;
}

/** The context emitters get; `bundleProblems` collects what the default bundler could not follow. */
export function emitContext(project: Project, options: PlanOptions, diagnostics: Diagnostic[], bundleProblems: BundleProblem[]): EmitContext {
  const { catalog } = project;
  return {
    catalogLabel: catalog.file.split(/[\\/]/).pop() ?? 'catalog',
    bundle: options.bundle ?? ((payload) => bundlePayload(catalog, payload, bundleProblems)),
    refTypeName: (ref) => {
      const name = DEFINITION_REF.exec(ref)?.[1];
      return name !== undefined && name in catalog.definitions ? name : undefined;
    },
    warn: (diagnostic) => diagnostics.push(diagnostic),
    ...(options.existing === undefined ? {} : { existing: options.existing }),
  };
}

/** Names that cannot be generated, found before any emitter runs. */
export function nameProblems(project: Project): Diagnostic[] {
  return checkNames(project);
}

export function planProject(project: Project, options: PlanOptions = {}): Plan {
  const { catalog } = project;
  const diagnostics: Diagnostic[] = checkNames(project);
  if (diagnostics.length > 0) return { files: [], diagnostics };

  const bundleProblems: BundleProblem[] = [];
  const ctx = emitContext(project, options, diagnostics, bundleProblems);
  const catalogLabel = ctx.catalogLabel;
  const emitters = [messagingEmitter(options.precompiled), ...(options.emitters ?? [emitProject])];
  const files: PlannedFile[] = [];
  const paths = new Set<string>();
  for (const emitter of emitters) {
    for (const file of emitter(project, ctx)) {
      const problem = checkPlannedPath(file.path);
      if (problem !== undefined || paths.has(file.path)) {
        diagnostics.push({
          code: 'E_GENERATE_PATH',
          severity: 'error',
          message: `refusing to plan ${JSON.stringify(file.path)}: ${problem ?? 'planned twice'}`,
        });
        continue;
      }
      paths.add(file.path);
      files.push(file.ownership === 'generated' ? { ...file, content: header(file.path, catalogLabel) + file.content } : file);
    }
  }
  for (const problem of new Map(bundleProblems.map((p) => [p.ref, p])).values()) {
    diagnostics.push({ code: 'E_GENERATE_REF', severity: 'error', message: problem.message, file: catalog.file });
  }
  return { files, diagnostics };
}
