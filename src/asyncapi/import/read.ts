// Reads an AsyncAPI document for import, turning everything that can go wrong into located
// Diagnostics: the same file limits and hostile-YAML checks as the catalog (src/loader, which also
// refuses nesting too deep to parse or walk), something that is not AsyncAPI, a version edasaga does not read, and `$ref`s
// that leave the document's folder or the machine (src/schema/refs.ts decides, as for payloads).

import { realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import { SourceIndex } from '../../loader/source-index.js';
import { parseFile } from '../../schema/parse-file.js';
import { RefResolver } from '../../schema/refs.js';
import type { LoadedFile } from '../../schema/refs.js';

export interface SpecSource {
  readonly file: string;
  /** Only files in this folder (and below) may be referenced. */
  readonly dir: string;
  readonly doc: Record<string, unknown>;
  /** `2` or `3`: which reader applies. */
  readonly major: 2 | 3;
  readonly version: string;
  readonly sources: SourceIndex;
  readonly resolver: RefResolver;
}

export interface ReadOutcome {
  readonly spec: SpecSource | undefined;
  readonly diagnostics: Diagnostic[];
}

export function readSpec(path: string): ReadOutcome {
  const file = resolve(path);
  const dir = dirname(file);
  const sources = new SourceIndex();
  const diagnostics: Diagnostic[] = [];
  const parsed = parseFile(file, 'AsyncAPI document', sources, diagnostics);
  if (parsed === undefined) return { spec: undefined, diagnostics };

  const at = (pointer: string) => ({ file, ...(sources.span(file, pointer, 'value') ?? {}) });
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    diagnostics.push({ code: 'E_ASYNCAPI_NOT_ASYNCAPI', severity: 'error', message: 'not an AsyncAPI document: expected a mapping with an `asyncapi` field', ...at('') });
    return { spec: undefined, diagnostics };
  }
  const doc = parsed as Record<string, unknown>;
  const version = doc['asyncapi'];
  if (version === undefined) {
    const hint = 'openapi' in doc ? 'this is an OpenAPI document; edasaga imports AsyncAPI (event-driven APIs)' : 'an AsyncAPI document starts with `asyncapi: 3.0.0` (or 2.6.0)';
    diagnostics.push({ code: 'E_ASYNCAPI_NOT_ASYNCAPI', severity: 'error', message: 'not an AsyncAPI document: it has no `asyncapi` field', file, line: 1, col: 1, hint });
    return { spec: undefined, diagnostics };
  }
  const text = typeof version === 'string' || typeof version === 'number' ? String(version) : '';
  const m = /^([0-9]+)\.([0-9]+)\.([0-9]+)(-[0-9A-Za-z.-]+)?$/.exec(text);
  const major = m ? Number(m[1]) : NaN;
  const minor = m ? Number(m[2]) : NaN;
  if (!m || (major !== 2 && major !== 3) || (major === 2 && minor > 6) || (major === 3 && minor > 1)) {
    diagnostics.push({
      code: 'E_ASYNCAPI_VERSION',
      severity: 'error',
      message: m ? `AsyncAPI ${text} is not supported: edasaga imports AsyncAPI 2.0 to 2.6 and 3.0 (3.1 is read as 3.0)` : `\`asyncapi\` must be a version like 3.0.0, not ${JSON.stringify(version)}`,
      ...at('/asyncapi'),
      ...(major === 1 ? { hint: 'convert the document first, e.g. with `asyncapi convert` of @asyncapi/cli' } : {}),
    });
    return { spec: undefined, diagnostics };
  }

  const realDir = realPath(dir) ?? dir;
  const resolver = new RefResolver({
    catalogFile: file,
    catalogDocument: doc,
    root: { dir, label: "the AsyncAPI document's folder" },
    loadFile: (abs): LoadedFile => {
      // A symbolic link beside the document may still lead out of its folder.
      const real = realPath(abs);
      if (real !== undefined && real !== realDir && !real.startsWith(realDir + sep)) {
        return { ok: false, reason: `${abs} is a link to ${real}, outside the folder of the document` };
      }
      const value = parseFile(abs, 'referenced file', sources, diagnostics);
      return value === undefined ? { ok: false, reason: `${abs} could not be read` } : { ok: true, value };
    },
  });
  return { spec: { file, dir, doc, major: major as 2 | 3, version: text, sources, resolver }, diagnostics };
}


function realPath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
