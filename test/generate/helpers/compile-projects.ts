// Whole generated projects (the project emitter included) type-checked under their own strict
// tsconfig, several in one `tsc` run. A project's runtime copy (src/edasaga-runtime) is replaced by
// a link to this repository's src/runtime, which it is a verbatim copy of (test/e2e/project-emitter
// checks that): the runtime and the libraries it uses are then checked once for all projects, so a
// project costs about a second more instead of ten.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { generate } from '../../../src/generate/index.js';
import type { JsonSchema, Project } from '../../../src/model/types.js';
import { REPO } from './workspace.js';

const run = promisify(execFile);

/** A fresh folder under the repository's .tmp/ (git-ignored), so the projects resolve our node_modules. */
export function projectsRoot(label: string): string {
  const dir = join(REPO, '.tmp', `${label}-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Generates `project` (everything, as `edasaga generate` does) into `dir`, with the runtime linked. */
export async function generateProject(project: Project, dir: string, bundle?: (payload: JsonSchema) => JsonSchema): Promise<readonly string[]> {
  const outcome = await generate(project, { outDir: dir, workers: false, ...(bundle === undefined ? {} : { bundle }) });
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);
  if (outcome.exitCode !== 2) linkRuntime(dir);
  return errors;
}

/** Replaces a generated project's runtime copy with a link to src/runtime (see above). */
export function linkRuntime(dir: string): void {
  rmSync(join(dir, 'src/edasaga-runtime'), { recursive: true, force: true });
  symlinkSync(join(REPO, 'src/runtime'), join(dir, 'src/edasaga-runtime'), 'dir');
}

/**
 * Type-checks the projects in `dirs` (all under `root`) with the first one's tsconfig.json in a
 * single tsc run; resolves with tsc's output, '' when every project compiles.
 */
export async function typecheckProjects(root: string, dirs: readonly string[]): Promise<string> {
  if (dirs.length === 0) return '';
  const own = JSON.parse(readFileSync(join(dirs[0]!, 'tsconfig.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
  const { outDir: _outDir, ...compilerOptions } = own.compilerOptions;
  const include = dirs.flatMap((d) => ['src', 'scripts', 'test'].map((sub) => `${relative(root, d)}/${sub}/**/*.ts`));
  const exclude = dirs.map((d) => `${relative(root, d)}/src/edasaga-runtime/**`);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'generated-projects', private: true, type: 'module' }));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, include, exclude }, null, 2));
  try {
    await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return '';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}
