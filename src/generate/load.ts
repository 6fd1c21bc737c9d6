// Loads a project for generation: the shared load pipeline (same located diagnostics as
// `validate`) plus a bundler that follows every `$ref` the project's resolver knows (catalog
// definitions and schema files beside the catalog).
import type { Diagnostic } from '../core/diagnostics.js';
import type { JsonSchema, Project } from '../model/types.js';
import { loadProject, loadProjectFromSources, type LoadResult, type SourceText } from '../project/load.js';
import type { RefResolver } from '../schema/refs.js';

export interface LoadedForGenerate {
  readonly project: Project | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Bundles a payload of `project`; problems (there should be none after validation) land in `bundleProblems`. */
  readonly bundle: ((payload: JsonSchema) => JsonSchema) | undefined;
  readonly bundleProblems: Diagnostic[];
}

function withBundler(loaded: LoadResult): LoadedForGenerate {
  const bundleProblems: Diagnostic[] = [];
  const { project, refs } = loaded;
  return {
    project,
    diagnostics: loaded.diagnostics,
    bundle: project === undefined || refs === undefined ? undefined : resolverBundle(project, refs, bundleProblems),
    bundleProblems,
  };
}

function resolverBundle(project: Project, refs: RefResolver, problems: Diagnostic[]): (payload: JsonSchema) => JsonSchema {
  const pointers = new Map<JsonSchema, string>();
  for (const message of project.catalog.messages) for (const v of message.versions) pointers.set(v.payload, v.pointer);
  return (payload) => {
    const bundled = refs.bundle(payload, { file: project.catalog.file, pointer: pointers.get(payload) ?? '' });
    for (const p of bundled.problems) problems.push({ code: p.code, severity: 'error', message: p.message, file: p.file });
    return bundled.schema;
  };
}

export async function loadForGenerate(catalogPath: string, sagaPaths?: readonly string[]): Promise<LoadedForGenerate> {
  return withBundler(await loadProject({ catalogPath, ...(sagaPaths === undefined || sagaPaths.length === 0 ? {} : { sagaPaths }) }));
}

export function loadForGenerateFromSources(catalog: SourceText, sagas: readonly SourceText[] = []): LoadedForGenerate {
  return withBundler(loadProjectFromSources({ catalog, sagas }));
}
