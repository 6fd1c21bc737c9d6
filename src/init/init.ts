// `edasaga init`: copies a template project (a folder under examples/, the same files the repo's
// examples use, so there is no second copy to drift) into a directory, never overwriting a file.
// Catalog and saga files get a `yaml-language-server` modeline pointing at the language schemas,
// which are copied into the project at .edasaga/schemas/ so editors work offline.

import { copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { packageRoot } from '../core/package-root.js';

export const TEMPLATES = ['order-system', 'minimal', 'choreography'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

/** Never copied from a template. */
const EXCLUDED = new Set(['node_modules', 'dist']);

export const SCHEMA_DIR = '.edasaga/schemas';

export interface InitOptions {
  readonly dir: string;
  readonly template: TemplateName;
  readonly force: boolean;
  /** Where templates and schemas come from; default: the installed package. */
  readonly packageRoot?: string;
}

export interface InitResult {
  readonly dir: string;
  /** POSIX paths relative to `dir`. */
  readonly written: string[];
  /** Files that already existed and were left alone. */
  readonly kept: string[];
  readonly diagnostics: Diagnostic[];
}

export function initProject(options: InitOptions): InitResult {
  const dir = resolve(options.dir);
  const root = options.packageRoot ?? packageRoot();
  const templateDir = join(root, 'examples', options.template);
  const result: InitResult = { dir, written: [], kept: [], diagnostics: [] };
  const usage = (code: DiagnosticCode, message: string, hint?: string) => {
    result.diagnostics.push({ code, severity: 'error', message, ...(hint ? { hint } : {}) });
    return result;
  };

  let existing: string[] | undefined;
  try {
    const st = statSync(dir);
    if (!st.isDirectory()) return usage('E_NOT_A_DIRECTORY', `${options.dir} exists and is not a directory`);
    existing = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      return usage('E_FILE_UNREADABLE', `cannot read ${options.dir}: ${(err as NodeJS.ErrnoException).code ?? 'unknown error'}`);
    }
  }
  if (existing && existing.length > 0 && !options.force) {
    return usage(
      'E_DIR_NOT_EMPTY',
      `${options.dir} is not empty`,
      'use --force to add the template files that are missing (existing files are kept, never overwritten)',
    );
  }

  const files = listTemplate(templateDir);
  if (files.length === 0) return usage('E_TEMPLATE_MISSING', `template "${options.template}" was not found at ${templateDir}`);

  try {
    copyAll(files, templateDir, dir, root, result);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'ENOSPC' ? 'no space left on the device' : (e.code ?? 'unknown error');
    return usage('E_WRITE_FAILED', `cannot write into ${options.dir}: ${why}${e.path ? ` (${relative(dir, e.path) || e.path})` : ''}`);
  }
  return result;
}

function copyAll(files: readonly string[], templateDir: string, dir: string, root: string, result: InitResult): void {
  for (const rel of files) {
    const dest = join(dir, ...rel.split('/'));
    if (exists(dest)) {
      result.kept.push(rel);
      continue;
    }
    mkdirSync(dirname(dest), { recursive: true });
    const kind = languageFileKind(rel);
    if (kind) writeFileSync(dest, withModeline(readFileSync(join(templateDir, ...rel.split('/')), 'utf8'), rel, kind), { flag: 'wx' });
    else copyFileSync(join(templateDir, ...rel.split('/')), dest);
    result.written.push(rel);
  }
  for (const name of ['catalog', 'saga'] as const) {
    const rel = `${SCHEMA_DIR}/${name}.schema.json`;
    const dest = join(dir, ...rel.split('/'));
    if (exists(dest)) {
      result.kept.push(rel);
      continue;
    }
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(join(root, 'schemas', `${name}.schema.json`), dest);
    result.written.push(rel);
  }
}

/** Every regular file of the template, as sorted POSIX paths; symlinks are skipped, never followed. */
function listTemplate(templateDir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (EXCLUDED.has(e.name)) continue;
      const child = join(abs, e.name);
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(relative(templateDir, child).split(sep).join('/'));
    }
  };
  walk(templateDir);
  return out.sort();
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Which language schema a template file is written in, if any. */
export function languageFileKind(rel: string): 'catalog' | 'saga' | undefined {
  if (rel === 'catalog.yaml' || rel === 'catalog.yml') return 'catalog';
  if (/^sagas\/[^/]+\.ya?ml$/.test(rel)) return 'saga';
  return undefined;
}

const MODELINE = /^# yaml-language-server: \$schema=.*(\r?\n|$)/;

/** Replaces (or adds) the first-line modeline so it points at .edasaga/schemas/ from the file's folder. */
export function withModeline(text: string, rel: string, kind: 'catalog' | 'saga'): string {
  const fromDir = posix.dirname(rel);
  let target = posix.relative(fromDir, `${SCHEMA_DIR}/${kind}.schema.json`);
  if (!target.startsWith('./') && !target.startsWith('../')) target = `./${target}`;
  const line = `# yaml-language-server: $schema=${target}\n`;
  return MODELINE.test(text) ? text.replace(MODELINE, line) : line + text;
}
