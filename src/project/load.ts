// The load pipeline every command starts with: read -> parse (positions on demand) -> check structure
// against schemas/ -> check semantic rules -> build the model. Reports every problem it finds;
// `project` is present only when nothing is wrong.

import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hasErrors } from '../core/diagnostics.js';
import type { Diagnostic } from '../core/diagnostics.js';
import type { Choreography, Project, Saga } from '../model/types.js';
import { parseYamlSource } from '../loader/parse-yaml.js';
import type { ParsedSource } from '../loader/parse-yaml.js';
import { readSourceFile } from '../loader/read-source.js';
import type { ReadResult } from '../loader/read-source.js';
import { SourceIndex } from '../loader/source-index.js';
import { RefResolver } from '../schema/refs.js';
import { refFileLoader } from '../loader/ref-files.js';
import { catalogFacts, checkCatalog } from '../validate/catalog-rules.js';
import type { CatalogFacts } from '../validate/catalog-rules.js';
import { normalizeCatalog, normalizeChoreography, normalizeSaga, withImpliedSubscriptions } from '../validate/normalize.js';
import { checkChoreography, isChoreographyDocument } from '../validate/choreography-rules.js';
import { PayloadChecker } from '../validate/payload-rules.js';
import { checkSaga } from '../validate/saga-rules.js';
import { projectRules } from '../validate/project-rules.js';
import { structuralDiagnostics } from '../validate/structural.js';

export interface LoadResult {
  /** The validated model; undefined iff `diagnostics` holds an error. */
  readonly project: Project | undefined;
  readonly diagnostics: Diagnostic[];
  /** Every file read (catalog, sagas, referenced schema files), for locations and code frames. */
  readonly sources: SourceIndex;
  /**
   * Resolves payload `$ref`s of this project (see src/schema/refs.ts); undefined only when the
   * catalog could not be parsed.
   */
  readonly refs: RefResolver | undefined;
}

export interface LoadProjectOptions {
  readonly catalogPath: string;
  /** Saga files; default: every `sagas/*.yaml` (and `*.yml`) beside the catalog. */
  readonly sagaPaths?: readonly string[];
}

export interface SourceText {
  readonly path: string;
  readonly text: string;
}

export interface LoadFromSourcesInput {
  readonly catalog: SourceText;
  readonly sagas: readonly SourceText[];
  /** Reads a file a payload `$ref` names (absolute path); undefined when it does not exist. Default: the disk. */
  readonly readFile?: (absPath: string) => string | undefined;
}

type Input = { path: string; read: ReadResult };

export async function loadProject(options: LoadProjectOptions): Promise<LoadResult> {
  const catalogPath = resolve(options.catalogPath);
  const sagaPaths = options.sagaPaths ? options.sagaPaths.map((p) => resolve(p)) : defaultSagaPaths(catalogPath);
  return run(
    { path: catalogPath, read: readSourceFile(catalogPath, 'catalog') },
    sagaPaths.map((p) => ({ path: p, read: readSourceFile(p, 'saga') })),
    (abs) => readSourceFile(abs, 'schema file'),
  );
}

export function loadProjectFromSources(input: LoadFromSourcesInput): LoadResult {
  const asInput = (s: SourceText): Input => ({ path: resolve(s.path), read: { ok: true, text: s.text } });
  const readFile = input.readFile;
  const reader = readFile
    ? (abs: string): ReadResult => {
        const text = readFile(abs);
        return text === undefined
          ? { ok: false, diagnostic: { code: 'E_FILE_NOT_FOUND', severity: 'error', message: 'schema file does not exist', file: abs } }
          : { ok: true, text };
      }
    : (abs: string) => readSourceFile(abs, 'schema file');
  return run(asInput(input.catalog), input.sagas.map(asInput), reader);
}

/** `sagas/*.yaml` and `sagas/*.yml` beside the catalog, sorted; none when the folder is absent. */
export function defaultSagaPaths(catalogPath: string): string[] {
  const dir = join(dirname(resolve(catalogPath)), 'sagas');
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

function run(catalogInput: Input, sagaInputs: readonly Input[], readRef: (abs: string) => ReadResult): LoadResult {
  const sources = new SourceIndex();
  const diagnostics: Diagnostic[] = [];
  const fileOrder: string[] = [catalogInput.path, ...sagaInputs.map((s) => s.path)];

  const parse = (input: Input, what: string): ParsedSource | undefined => {
    if (!input.read.ok) {
      diagnostics.push(input.read.diagnostic);
      return undefined;
    }
    sources.addText(input.path, input.read.text);
    const outcome = parseYamlSource(input.path, input.read.text, what);
    diagnostics.push(...outcome.diagnostics);
    if (outcome.parsed) sources.add(outcome.parsed);
    return outcome.parsed;
  };

  // Catalog.
  const catalog = parse(catalogInput, 'catalog');
  let facts: CatalogFacts | undefined;
  let refs: RefResolver | undefined;
  if (catalog) {
    refs = new RefResolver({
      catalogFile: catalog.file,
      catalogDocument: catalog.value,
      loadFile: refFileLoader({ read: readRef, sources, diagnostics, onFile: (abs) => fileOrder.push(abs) }),
      root: { dir: dirname(catalog.file), label: "the catalog's folder" },
    });
    diagnostics.push(...structuralDiagnostics('catalog', catalog.value, catalog.file, sources));
    facts = catalogFacts(catalog.file, catalog.value);
    const payloads = new PayloadChecker(refs, sources);
    diagnostics.push(...checkCatalog(catalog.value, facts, { file: catalog.file, index: sources, resolver: refs, payloads }));
  }

  // Sagas.
  const parsedSagas: ParsedSource[] = [];
  for (const input of sagaInputs) {
    const saga = parse(input, 'saga');
    if (!saga) continue;
    parsedSagas.push(saga);
    const structural = structuralDiagnostics('saga', saga.value, saga.file, sources);
    diagnostics.push(...structural);
    if (facts && refs) {
      const ctx = { file: saga.file, index: sources, catalog: facts, resolver: refs };
      // A choreography's flow checks reason about the whole graph: a misshapen reaction would only
      // show up again as its consequences, so they wait for a well-formed file.
      const wellFormed = !hasErrors(structural);
      diagnostics.push(...(isChoreographyDocument(saga.value) ? checkChoreography(saga.value, ctx, wellFormed) : checkSaga(saga.value, ctx)));
    }
  }
  diagnostics.push(...projectRules(catalog, facts, parsedSagas, sources));
  dropServicesUsedByChoreographies(diagnostics, catalogInput.path, parsedSagas);

  sortDiagnostics(diagnostics, fileOrder);
  if (hasErrors(diagnostics) || !catalog) return { project: undefined, diagnostics, sources, refs };

  const declared = normalizeCatalog(catalog.file, catalog.value, sources);
  const sagas: Saga[] = parsedSagas.filter((s) => !isChoreographyDocument(s.value)).map((s) => normalizeSaga(s.file, s.value, sources));
  const choreographies: Choreography[] = parsedSagas.filter((s) => isChoreographyDocument(s.value)).map((s) => normalizeChoreography(s.file, s.value, sources, declared));
  return { project: { catalog: withImpliedSubscriptions(declared, choreographies), sagas, choreographies }, diagnostics, sources, refs };
}

/**
 * A service that only reacts in a choreography (analytics) owns nothing and has no catalog
 * subscription, yet is used: the catalog rules cannot know, so their warning is withdrawn here.
 */
function dropServicesUsedByChoreographies(diags: Diagnostic[], catalogFile: string, sagas: readonly ParsedSource[]): void {
  const used = new Set<string>();
  for (const s of sagas) {
    if (!isChoreographyDocument(s.value)) continue;
    const reactions = (s.value as { choreography?: { reactions?: unknown } }).choreography?.reactions;
    for (const r of Array.isArray(reactions) ? reactions : []) {
      const service = (r as { service?: unknown } | null)?.service;
      if (typeof service === 'string') used.add(service);
    }
  }
  if (used.size === 0) return;
  const unused = /^service "(.*)" owns no message and subscribes to nothing$/;
  for (let i = diags.length - 1; i >= 0; i--) {
    const d = diags[i]!;
    const m = d.code === 'W_UNUSED_SERVICE' && d.file === catalogFile ? unused.exec(d.message) : null;
    if (m && used.has(m[1]!)) diags.splice(i, 1);
  }
}

function sortDiagnostics(diags: Diagnostic[], fileOrder: readonly string[]): void {
  const rank = (f: string | undefined) => {
    const i = f === undefined ? -1 : fileOrder.indexOf(f);
    return i === -1 ? fileOrder.length : i;
  };
  diags.sort((a, b) => rank(a.file) - rank(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}
