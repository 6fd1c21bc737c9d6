// The catalog a change is compared with: the same catalog at a git revision (read with
// `git show REV:path`, never touching the work tree) or another catalog file on disk.

import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../core/diagnostics.js';
import { loadProject, loadProjectFromSources, type LoadResult } from '../project/load.js';

export interface BaselineRequest {
  /** A git revision (main, origin/main, HEAD~1, a tag, a sha) or a path to another catalog. */
  readonly against: string;
  /** Compare with `git merge-base HEAD <against>` (what CI on a pull request wants). */
  readonly mergeBase?: boolean;
  /** The working catalog (absolute or relative to cwd). */
  readonly catalogPath: string;
  /** Where relative paths are shown from (default: process.cwd()). */
  readonly cwd?: string;
}

export type Baseline =
  | { readonly ok: true; readonly label: string; readonly load: LoadResult }
  /** The catalog did not exist at that revision: nothing to compare with. */
  | { readonly ok: true; readonly label: string; readonly absent: true }
  | { readonly ok: false; readonly diagnostics: Diagnostic[] };

function usage(message: string, hint?: string): Baseline {
  return { ok: false, diagnostics: [{ code: 'E_USAGE', severity: 'error', message, ...(hint ? { hint } : {}) }] };
}

function git(cwd: string, args: readonly string[]): { ok: true; out: string } | { ok: false; err: string } {
  try {
    const out = execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
    return { ok: true, out };
  } catch (e) {
    const err = e as { stderr?: string; message?: string; code?: string };
    if (err.code === 'ENOENT') return { ok: false, err: 'git is not installed (or not on PATH)' };
    return { ok: false, err: String(err.stderr || err.message || e).trim() };
  }
}

export async function loadBaseline(req: BaselineRequest): Promise<Baseline> {
  const catalogPath = resolve(req.catalogPath);
  const cwd = req.cwd ?? process.cwd();
  const asPath = resolve(cwd, req.against);
  if (!req.mergeBase && existsSync(asPath) && statSync(asPath).isFile()) {
    const load = await loadProject({ catalogPath: asPath });
    const rel = relative(cwd, asPath);
    return { ok: true, label: rel && !rel.startsWith('..') ? rel : asPath, load };
  }

  const dir = dirname(catalogPath);
  const top = git(dir, ['rev-parse', '--show-toplevel']);
  if (!top.ok) {
    return usage(
      `--against ${req.against}: ${dir} is not inside a git repository and no catalog file ${req.against} exists`,
      'pass a git revision (main, origin/main, HEAD~1, a tag or sha) or the path of another catalog',
    );
  }
  const root = realpathSync(top.out.trim());
  let rev = req.against;
  if (req.mergeBase) {
    const mb = git(root, ['merge-base', 'HEAD', req.against]);
    if (!mb.ok) {
      return usage(
        `--merge-base: no merge base between HEAD and "${req.against}": ${firstLine(mb.err) || 'unrelated histories'}`,
        'in CI, fetch the history (actions/checkout with fetch-depth: 0) and the base branch (git fetch origin main)',
      );
    }
    rev = mb.out.trim();
  }
  const verified = git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (!verified.ok) {
    return usage(`--against ${req.against}: "${rev}" is not a revision of this repository`, 'try main, origin/main, HEAD~1, a tag or a commit sha');
  }
  const sha = verified.out.trim();
  const label = req.mergeBase ? `merge-base(${req.against}) ${sha.slice(0, 8)}` : req.against;

  const real = existsSync(catalogPath) ? realpathSync(catalogPath) : catalogPath;
  const toRel = (abs: string): string => relative(root, abs).split(sep).join('/');
  const relCatalog = toRel(real);
  if (relCatalog.startsWith('..')) return usage(`the catalog ${catalogPath} is outside the git repository ${root}`);

  const show = (rel: string): string | undefined => {
    const r = git(root, ['show', `${sha}:${rel}`]);
    return r.ok ? r.out : undefined;
  };
  const catalogText = show(relCatalog);
  if (catalogText === undefined) return { ok: true, label, absent: true };

  // The baseline's sagas: the same folder at that revision.
  const sagaDir = toRel(join(dirname(real), 'sagas'));
  // -z: names come back verbatim (no C-style quoting of spaces or non-ASCII characters).
  const listed = git(root, ['ls-tree', '-z', '--name-only', `${sha}`, '--', `${sagaDir}/`]);
  const sagaFiles = listed.ok ? listed.out.split('\0').filter((l) => /\.ya?ml$/.test(l)) : [];
  const sagas = sagaFiles.flatMap((rel) => {
    const text = show(rel);
    return text === undefined ? [] : [{ path: join(root, rel), text }];
  });

  const load = loadProjectFromSources({
    catalog: { path: real, text: catalogText },
    sagas,
    // Files a payload `$ref` names are read at the same revision.
    readFile: (abs) => {
      const rel = toRel(existsSync(abs) ? realpathSync(abs) : abs);
      return rel.startsWith('..') ? undefined : show(rel);
    },
  });
  return { ok: true, label, load };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
