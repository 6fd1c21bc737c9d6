// Applies a plan to the output directory: the only code that touches the disk. Generated files are
// listed in the manifest with their hashes, rewritten only when their content changes, removed when
// they leave the plan, and never replaced when a person edited them (unless forced). User files are
// created once and afterwards only extended (see extend.ts).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rmdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Ownership, PlannedFile } from './plan.js';
import { MANIFEST_PATH } from './layout.js';
import { extendSource, loadTs } from './extend.js';

export interface ManifestEntry {
  readonly ownership: Ownership;
  /** sha256 of the content edasaga wrote (generated files only). */
  readonly sha256?: string;
}

export interface Manifest {
  readonly edasaga: 1;
  readonly files: Readonly<Record<string, ManifestEntry>>;
}

export type ChangeKind = 'create' | 'update' | 'delete' | 'extend';

export interface FileChange {
  readonly path: string;
  readonly kind: ChangeKind;
  readonly ownership: Ownership;
  /** For `extend`: the members added. */
  readonly added?: readonly string[];
}

export type ConflictReason = 'edited' | 'unowned' | 'cannot-extend' | 'unsafe-path';

export interface Conflict {
  readonly path: string;
  readonly reason: ConflictReason;
  readonly message: string;
}

export interface WriteOptions {
  readonly outDir: string;
  /** Compute and report, write nothing. */
  readonly dryRun?: boolean;
  /** Replace (or remove) generated files even when they were edited by hand. */
  readonly force?: boolean;
}

export interface WriteResult {
  readonly changes: readonly FileChange[];
  readonly conflicts: readonly Conflict[];
  readonly unchanged: number;
  /** Messages for the user (a hook to fill in, a file that needs attention). */
  readonly notices: readonly string[];
  /** Whether the manifest on disk differs from what it should be. */
  readonly manifestChanged: boolean;
  readonly written: boolean;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes through a temporary file in the same folder and renames it, so readers never see half a file. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.edasaga-tmp`);
  try {
    await writeFile(temp, content, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

export function parseManifest(text: string | undefined): Manifest {
  if (text === undefined) return { edasaga: 1, files: {} };
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    if (parsed.edasaga === 1 && typeof parsed.files === 'object' && parsed.files !== null) return parsed as Manifest;
  } catch {
    // A damaged manifest is treated as absent: every existing file then counts as not ours.
  }
  return { edasaga: 1, files: {} };
}

function serializeManifest(files: Record<string, ManifestEntry>): string {
  const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ edasaga: 1, files: sorted }, null, 2)}\n`;
}

/** Resolves `path` inside `root`, refusing anything that would land outside it (also through symlinks). */
async function inside(root: string, realRoot: string, path: string): Promise<string | undefined> {
  const absolute = resolve(root, path);
  if (!absolute.startsWith(root + sep)) return undefined;
  // Follow the deepest existing ancestor: a symlinked folder must not lead out of the project.
  let probe = dirname(absolute);
  for (;;) {
    try {
      const real = await realpath(probe);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
      return absolute;
    } catch {
      if (probe === root || dirname(probe) === probe) return absolute;
      probe = dirname(probe);
    }
  }
}

export async function applyPlan(files: readonly PlannedFile[], options: WriteOptions): Promise<WriteResult> {
  const root = resolve(options.outDir);
  await mkdir(root, { recursive: true }).catch(() => undefined);
  const realRoot = await realpath(root).catch(() => root);
  const manifestPath = join(root, MANIFEST_PATH);
  const manifestText = await readText(manifestPath);
  const manifest = parseManifest(manifestText);
  const next: Record<string, ManifestEntry> = {};
  const changes: FileChange[] = [];
  const conflicts: Conflict[] = [];
  const notices: string[] = [];
  const writes: { path: string; content: string }[] = [];
  const deletes: string[] = [];
  let unchanged = 0;
  let ts: Awaited<ReturnType<typeof loadTs>> | undefined;

  const planned = new Set(files.map((f) => f.path));
  const existing = await Promise.all(
    files.map(async (file) => {
      const absolute = await inside(root, realRoot, file.path);
      return { file, absolute, text: absolute === undefined ? undefined : await readText(absolute) };
    }),
  );

  for (const { file, absolute, text } of existing) {
    if (absolute === undefined) {
      conflicts.push({ path: file.path, reason: 'unsafe-path', message: 'would be written outside the output directory; skipped' });
      continue;
    }
    const previous = manifest.files[file.path];
    if (file.ownership === 'user') {
      next[file.path] = { ownership: 'user' };
      if (text === undefined) {
        writes.push({ path: absolute, content: file.content });
        changes.push({ path: file.path, kind: 'create', ownership: 'user' });
        if (file.notice !== undefined) notices.push(file.notice);
      } else if (file.extend !== undefined) {
        ts ??= await loadTs();
        const outcome = extendSource(ts, text, file.path, file.extend);
        if (!outcome.ok) {
          conflicts.push({ path: file.path, reason: 'cannot-extend', message: `cannot add ${file.extend.members.map((m) => m.name).join(', ')}: ${outcome.reason}` });
        } else if (outcome.added.length > 0) {
          writes.push({ path: absolute, content: outcome.text });
          changes.push({ path: file.path, kind: 'extend', ownership: 'user', added: outcome.added });
          if (file.notice !== undefined) notices.push(file.notice);
        } else unchanged++;
      } else unchanged++;
      continue;
    }
    const hash = sha256(file.content);
    const onDisk = text === undefined ? undefined : sha256(text);
    if (onDisk === hash) {
      next[file.path] = { ownership: 'generated', sha256: hash };
      unchanged++;
      continue;
    }
    const edited = onDisk !== undefined && (previous?.sha256 === undefined || previous.sha256 !== onDisk);
    if (edited && options.force !== true) {
      const unowned = previous === undefined;
      conflicts.push({
        path: file.path,
        reason: unowned ? 'unowned' : 'edited',
        message: unowned
          ? 'exists but was not written by edasaga; not replaced (run with --force to replace it)'
          : 'was edited by hand since edasaga wrote it; not replaced (move your change to user code, or run with --force to replace it)',
      });
      if (previous !== undefined) next[file.path] = previous;
      continue;
    }
    next[file.path] = { ownership: 'generated', sha256: hash };
    writes.push({ path: absolute, content: file.content });
    changes.push({ path: file.path, kind: onDisk === undefined ? 'create' : 'update', ownership: 'generated' });
  }

  for (const [path, entry] of Object.entries(manifest.files)) {
    if (planned.has(path) || entry.ownership !== 'generated') continue;
    const absolute = await inside(root, realRoot, path);
    if (absolute === undefined) continue;
    const text = await readText(absolute);
    if (text === undefined) continue;
    if (entry.sha256 !== sha256(text) && options.force !== true) {
      conflicts.push({ path, reason: 'edited', message: 'is no longer generated but was edited by hand; not removed (delete it, or run with --force)' });
      next[path] = entry;
      continue;
    }
    deletes.push(absolute);
    changes.push({ path, kind: 'delete', ownership: 'generated' });
  }

  const manifestContent = serializeManifest(next);
  const manifestChanged = manifestContent !== manifestText;
  const write = options.dryRun !== true;
  if (write) {
    for (const { path, content } of writes) await writeAtomic(path, content);
    for (const path of deletes) {
      await unlink(path);
      await removeEmptyParents(root, dirname(path));
    }
    if (manifestChanged) await writeAtomic(manifestPath, manifestContent);
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { changes, conflicts, unchanged, notices, manifestChanged, written: write };
}

async function removeEmptyParents(root: string, folder: string): Promise<void> {
  let current = folder;
  while (current !== root && relative(root, current) !== '' && !relative(root, current).startsWith('..')) {
    try {
      await rmdir(current);
    } catch {
      return;
    }
    current = dirname(current);
  }
}
