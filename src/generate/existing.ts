// What generate needs to know about a project already on disk before it plans, read once here so
// that the emitters stay pure: whether the user's package.json and code still point at the places
// where older versions of edasaga put its files (before everything moved under src/generated/).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MANIFEST_PATH } from './layout.js';

export interface ExistingProject {
  /** The commands of the package.json scripts as the user has them. */
  readonly scripts: readonly string[];
  /** Runtime modules (e.g. `db/port`) that the user's own files import from the old src/edasaga-runtime/. */
  readonly oldRuntimeImports: readonly string[];
}

/** Folders of user code that may import the old runtime path (generated trees and dependencies excluded). */
const SKIP = new Set(['node_modules', 'dist', '.git', '.edasaga', 'generated', 'edasaga-runtime']);
const CODE = /\.(?:[cm]?ts|[cm]?js)$/;
const OLD_RUNTIME_IMPORT = /(?:from\s*|import\s*\(\s*)['"][^'"]*\bedasaga-runtime\/([^'"]+?)\.js['"]/g;

function codeFiles(dir: string, depth = 0): string[] {
  if (depth > 8 || !existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) out.push(...codeFiles(join(dir, entry.name), depth + 1));
    } else if (entry.isFile() && CODE.test(entry.name)) out.push(join(dir, entry.name));
  }
  return out;
}

/** Paths the manifest lists as edasaga's: their imports are not the user's. */
function generatedPaths(outDir: string): Set<string> {
  try {
    const manifest = JSON.parse(readFileSync(join(outDir, MANIFEST_PATH), 'utf8')) as { files?: Record<string, { ownership?: string }> };
    return new Set(Object.entries(manifest.files ?? {}).filter(([, entry]) => entry.ownership === 'generated').map(([path]) => path));
  } catch {
    return new Set();
  }
}

export function readExistingProject(outDir: string): ExistingProject {
  let scripts: string[] = [];
  try {
    const manifest = JSON.parse(readFileSync(join(outDir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    scripts = Object.values(manifest.scripts ?? {}).filter((command): command is string => typeof command === 'string');
  } catch {
    // No package.json yet (a first generate), or one that is not JSON: nothing points anywhere.
  }
  const modules = new Set<string>();
  const generated = generatedPaths(outDir);
  for (const folder of ['src', 'scripts', 'test']) {
    for (const file of codeFiles(join(outDir, folder))) {
      if (generated.has(relative(outDir, file).split(sep).join('/'))) continue;
      for (const match of readFileSync(file, 'utf8').matchAll(OLD_RUNTIME_IMPORT)) if (match[1] !== undefined) modules.add(match[1]);
    }
  }
  return { scripts, oldRuntimeImports: [...modules].sort() };
}
