// Runs the real `generate` oclif command from the TypeScript sources in this process (started as a
// child by the tests): flag parsing, loading, writing and exit codes, without needing a build.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import Generate from '../../../src/commands/generate.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
try {
  await Generate.run(process.argv.slice(2), root);
} catch (error) {
  const code = (error as { oclif?: { exit?: number } }).oclif?.exit;
  if (code === undefined) throw error;
  process.exitCode = code;
}
