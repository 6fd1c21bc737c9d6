// The lean path of `edasaga validate`, taken by bin/run.js before oclif is loaded: loading oclif
// costs about 100 ms, more than the validation itself. Only plain invocations take it; anything
// else (help, unknown or malformed flags) returns undefined and goes through oclif as usual, so
// help text and usage errors stay exactly oclif's.

import { parseArgs } from 'node:util';
import { BASE_FLAG_SPEC } from './flag-spec.js';
import { processIo } from './io.js';
import { shouldColor } from './render.js';

export async function fastValidate(args: readonly string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        catalog: { type: 'string' },
        saga: { type: 'string', multiple: true },
        format: { type: 'string' },
        transport: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch {
    return undefined;
  }
  const { catalog, saga, transport, format = BASE_FLAG_SPEC.format.default } = parsed.values;
  if (format !== 'text' && format !== 'json') return undefined;
  if (transport !== undefined && !BASE_FLAG_SPEC.transport.options.includes(transport)) return undefined; // oclif says what is wrong
  if ([catalog, ...(saga ?? [])].some((v) => v === undefined ? false : v.startsWith('-'))) return undefined;
  const { runValidate } = await import('./run-validate.js');
  return runValidate(
    { catalog: catalog ?? BASE_FLAG_SPEC.catalog.default, sagas: saga, transport, format, color: format === 'text' && shouldColor(process.stderr) },
    processIo(),
  );
}
