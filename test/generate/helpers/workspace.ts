// A generated project in a temp dir that can be compiled with the strictest settings and run:
// the runtime files the generated code imports are copied in (as the project emitter will do), and
// node_modules is a symlink to ours.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname, '../../..');

export const STRICT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noPropertyAccessFromIndexSignature: true,
    isolatedModules: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ['src/**/*.ts'],
};

export function makeWorkspace(prefix = 'edasaga-gen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'generated-test', private: true, type: 'module' }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(STRICT_TSCONFIG, null, 2));
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'src/generated/runtime'), { recursive: true });
  for (const file of ['envelope.ts', 'transport.ts']) copyFileSync(join(REPO, 'src/runtime', file), join(dir, 'src/generated/runtime', file));
  return dir;
}

export function removeWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs tsc on the workspace; resolves with its diagnostics output ('' when clean). */
export async function typecheck(dir: string): Promise<string> {
  try {
    await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir });
    return '';
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || e.message;
  }
}

/** Runs a TypeScript file of the workspace with tsx in a child process; returns its stdout. */
export async function runTs(dir: string, file: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file], { cwd: dir });
  return stdout;
}
