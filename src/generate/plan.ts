// What every emitter produces: files to be, described but not yet written. The writer alone
// decides what reaches the disk (manifest, hashes, user-owned files), so emitters stay pure.

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
}
