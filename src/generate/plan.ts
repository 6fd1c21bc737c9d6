// What every emitter produces: files to be, described but not yet written. The writer alone
// decides what reaches the disk (manifest, hashes, user-owned files), so emitters stay pure.
import type { Diagnostic } from '../core/diagnostics.js';
import type { JsonSchema, Project } from '../model/types.js';
import type { ExistingProject } from './existing.js';

/**
 * - `generated`: owned by edasaga; carries a do-not-edit header, listed in the manifest with its
 *   hash, rewritten when its content changes, removed when its source disappears.
 * - `user`: created once and then belongs to the user; never overwritten. `extend` tells the writer
 *   how to add what a catalog change requires (e.g. a handler for a new message) without touching
 *   anything already there.
 */
export type Ownership = 'generated' | 'user';

export interface UserFileExtension {
  /** Name of an exported class or object literal in the file that members are added to. */
  readonly container: string;
  /** Members that must exist, by name; missing ones are inserted with this source text. */
  readonly members: readonly { readonly name: string; readonly text: string }[];
  /** Import declarations the inserted members need (module specifier -> named imports). */
  readonly imports?: Readonly<Record<string, readonly string[]>>;
}

export interface PlannedFile {
  /** POSIX path relative to the output directory; never absolute, never containing `..`. */
  readonly path: string;
  readonly ownership: Ownership;
  readonly content: string;
  readonly extend?: UserFileExtension;
  /** Printed as a warning when the writer creates or extends this file (e.g. "fill in this hook"). */
  readonly notice?: string;
  /**
   * Generated files that are expensive to produce: a hash of everything the content is a function
   * of. The writer keeps it in the manifest so that a later run can reuse the file on disk.
   */
  readonly inputHash?: string;
}

// ---- the planner's seam (additive) ---------------------------------------------------------------

/** What every emitter gets besides the project. */
export interface EmitContext {
  /** The catalog file's name as shown in do-not-edit headers (a base name, never a full path). */
  readonly catalogLabel: string;
  /**
   * A payload schema made self-contained: every `$ref` it reaches (catalog definitions, files beside
   * the catalog) is inside the returned schema, so a validator can be compiled from it alone.
   */
  readonly bundle: (payload: JsonSchema) => JsonSchema;
  /** Maps a `$ref` as written in a payload to the name of the shared type emitted for it. */
  readonly refTypeName: (ref: string) => string | undefined;
  /** Reports something the user should know; never stops generation. */
  readonly warn: (diagnostic: Diagnostic) => void;
  /** What is already on disk where the project is generated (read before planning), if anything. */
  readonly existing?: ExistingProject;
}

/** An emitter is a pure function of the project: it describes files, the writer alone writes them. */
export type Emitter = (project: Project, ctx: EmitContext) => PlannedFile[];
