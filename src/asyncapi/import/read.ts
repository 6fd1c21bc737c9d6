// Reads an AsyncAPI document for import, turning everything that can go wrong into located
// Diagnostics: the same file limits and hostile-YAML checks as the catalog (src/loader), nesting
// too deep to walk, something that is not AsyncAPI, a version edasaga does not read, and `$ref`s
// that leave the document's folder or the machine (src/schema/refs.ts decides, as for payloads).

import { realpathSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import { parseYamlSource } from '../../loader/parse-yaml.js';
import { readSourceFile } from '../../loader/read-source.js';
import { SourceIndex } from '../../loader/source-index.js';
import { RefResolver } from '../../schema/refs.js';
import type { LoadedFile } from '../../schema/refs.js';

/**
 * Deeper than this is refused before anything walks the document. JSON Schemas and AsyncAPI
 * documents people write stay far below it; the YAML parser itself runs out of memory on a few
 * hundred nested flow collections (`[[[[...`), which is how a hostile document would go deeper.
 */
export const MAX_NESTING = 100;

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

/** Reads and parses one file into `sources`; undefined (with diagnostics) when that fails. */
function parseFile(file: string, what: string, sources: SourceIndex, diagnostics: Diagnostic[]): unknown {
  const read = readSourceFile(file, what);
  if (!read.ok) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  sources.addText(file, read.text);
  const tooDeep = flowNesting(read.text);
  if (tooDeep !== undefined) {
    diagnostics.push({ ...deepError(file), ...lineCol(read.text, tooDeep) });
    return undefined;
  }
  const outcome = parseYamlSource(file, read.text, what);
  diagnostics.push(...outcome.diagnostics);
  if (!outcome.parsed) return undefined;
  sources.add(outcome.parsed);
  const deep = deepestPath(outcome.parsed.value);
  if (deep !== undefined) {
    diagnostics.push({ ...deepError(file), ...(sources.span(file, deep, 'key') ?? {}) });
    return undefined;
  }
  return outcome.parsed.value;
}

function deepError(file: string): Diagnostic {
  return { code: 'E_ASYNCAPI_TOO_DEEP', severity: 'error', message: `the document nests deeper than ${MAX_NESTING} levels here; edasaga does not read it`, file };
}

/**
 * Offset of the first flow bracket nested deeper than MAX_NESTING, skipping quoted strings and
 * comments. A scan of the text, before parsing: the parser is what such input would break.
 */
export function flowNesting(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === 0x27 /* ' */ && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) {
      for (i++; i < text.length; i++) if (text[i] === "'") { if (text[i + 1] === "'") i++; else break; }
    } else if (c === 0x23 /* # */ && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === 0x5b || c === 0x7b /* [ { */) {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

/** JSON pointer of a node nested deeper than MAX_NESTING (iteratively: no recursion to overflow). */
export function deepestPath(value: unknown): string | undefined {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_NESTING) return path;
    const items: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
    for (const [k, x] of items) stack.push({ v: x, path: `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth: depth + 1 });
  }
  return undefined;
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

function realPath(p: string): string | undefined {
  try {
    return realpathSync(p);
  } catch {
    return undefined;
  }
}
