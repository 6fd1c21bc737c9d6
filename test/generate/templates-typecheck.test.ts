// The generated project's fixed files are real TypeScript in templates/project: compiled here, with
// the golden output of the example and this repository's runtime, under the project's own strict
// settings (tsconfig.templates.json), so a mistake in them fails this repository's tests, not only
// the end-to-end run of a generated project.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { REPO } from './helpers/workspace.js';

it('templates/project and the golden project compile (tsconfig.templates.json)', async () => {
  const run = promisify(execFile);
  const result = await run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.templates.json')], { cwd: REPO }).then(
    () => '',
    (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
  );
  expect(result).toBe('');
}, 120_000);
