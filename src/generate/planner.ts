// Runs every emitter over the project and concatenates their files into one plan: checks that
// names are safe to generate from and that every path stays inside the output directory, and gives
// generated files their do-not-edit header. Emitters are pure; the writer applies the plan.
import type { Diagnostic } from '../core/diagnostics.js';
import type { Catalog, JsonSchema, Message, Project, SourceLocation } from '../model/types.js';
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
import { isIdentifier, kebabCase, lineComment } from './names.js';

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
  return [
    ...emitSupport(),
    ...emitDefinitions(catalog, ctx),
    ...emitMessages(catalog, ctx),
    ...catalog.messages.flatMap((m) => emitValidators(m, compiled)),
    ...catalog.messages.flatMap((m) => emitUpcasters(m, ctx)),
    ...emitRegistry(catalog),
    ...emitServices(catalog),
    ...emitIndex(catalog),
  ];
}

const DEFINITION_REF = /^#\/definitions\/([A-Za-z_][A-Za-z0-9_]*)$/;
const SERVICE = /^[a-z][a-z0-9-]*$/;

function at(loc: SourceLocation): Pick<Diagnostic, 'file' | 'line' | 'col'> {
  return { file: loc.file, line: loc.line, col: loc.col };
}

/** Names the generator turns into identifiers and paths must be plain; the validator checks it too. */
function checkNames(catalog: Catalog): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const error = (message: string, loc?: SourceLocation): Diagnostic => ({
    code: 'E_GENERATE_NAME',
    severity: 'error',
    message,
    ...(loc === undefined ? { file: catalog.file } : at(loc)),
  });
  const seen = new Map<string, string>();
  for (const message of catalog.messages) {
    if (!isIdentifier(message.name) || !/^[A-Z]/.test(message.name)) {
      problems.push(error(`message name ${JSON.stringify(message.name)} cannot be generated: expected a PascalCase identifier (letters, digits, _)`, message.loc));
      continue;
    }
    const file = kebabCase(message.name);
    const other = seen.get(file);
    if (other !== undefined) problems.push(error(`messages "${other}" and "${message.name}" would generate the same file ${file}.ts`, message.loc));
    seen.set(file, message.name);
    if (!SERVICE.test(message.service)) problems.push(error(`service name ${JSON.stringify(message.service)} cannot be generated: expected lower-case letters, digits and -`, message.loc));
  }
  for (const service of catalog.services) {
    if (!SERVICE.test(service.name)) problems.push(error(`service name ${JSON.stringify(service.name)} cannot be generated: expected lower-case letters, digits and -`, service.loc));
  }
  for (const subscription of catalog.subscriptions) {
    if (!SERVICE.test(subscription.service)) problems.push(error(`service name ${JSON.stringify(subscription.service)} cannot be generated: expected lower-case letters, digits and -`, subscription.loc));
  }
  for (const name of Object.keys(catalog.definitions)) {
    if (!isIdentifier(name)) problems.push(error(`definition name ${JSON.stringify(name)} cannot be generated: expected an identifier`));
  }
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
  return checkNames(project.catalog);
}

export function planProject(project: Project, options: PlanOptions = {}): Plan {
  const { catalog } = project;
  const diagnostics: Diagnostic[] = checkNames(catalog);
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
