// Files the project emitter reads from edasaga's own installation: the runtime sources (copied
// verbatim into every generated project) and the handlebars templates of the fixed project files.
// Both are found from this module's location, which works from src/ (tests, tsx) and from dist/
// (the built CLI) because both sit beside `src/runtime` and `templates/` in the package root.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../../core/package-root.js';

let cachedRoot: string | undefined;
function root(): string {
  if (cachedRoot === undefined) {
    const dir = packageRoot();
    if (!existsSync(join(dir, 'templates', 'project')) || !existsSync(join(dir, 'src', 'runtime'))) {
      throw new Error('edasaga installation is incomplete: templates/project or src/runtime not found');
    }
    cachedRoot = dir;
  }
  return cachedRoot;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out.sort();
}

export interface SourceFile {
  /** POSIX path relative to src/runtime. */
  readonly path: string;
  readonly content: string;
}

let cachedRuntime: readonly SourceFile[] | undefined;

/** Every TypeScript module of src/runtime (tests and declaration files excluded). */
export function runtimeSources(): readonly SourceFile[] {
  if (cachedRuntime === undefined) {
    const base = join(root(), 'src', 'runtime');
    cachedRuntime = listFiles(base)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.test.ts'))
      .map((file) => ({ path: relative(base, file).split(sep).join('/'), content: readFileSync(file, 'utf8') }));
  }
  return cachedRuntime;
}

const templateCache = new Map<string, string>();

/** The text of templates/project/<name>. */
export function templateText(name: string): string {
  let text = templateCache.get(name);
  if (text === undefined) {
    text = readFileSync(join(root(), 'templates', 'project', name), 'utf8');
    templateCache.set(name, text);
  }
  return text;
}

/**
 * The fixed files of templates/project/src/generated (real TypeScript, no placeholders: every file
 * not ending in .hbs), as project paths. Listed from the folder rather than by hand, so a new fixed
 * module cannot be left out of generated projects while the repository's typecheck passes. `except`:
 * the ones emitted only under a condition (saga-support.ts, for projects with sagas).
 */
export function fixedTemplatePaths(except: readonly string[] = []): string[] {
  const base = join(root(), 'templates', 'project');
  return listFiles(join(base, 'src', 'generated'))
    .filter((file) => !file.endsWith('.hbs'))
    .map((file) => relative(base, file).split(sep).join('/'))
    .filter((path) => !except.includes(path));
}
