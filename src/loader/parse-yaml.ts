// Parses YAML (and JSON, which is YAML) text into plain data, so every later finding can point at
// a line and column. Hostile input becomes Diagnostics: syntax errors, duplicate keys, alias
// bombs, prototype-polluting keys, empty or binary text.
//
// Two paths give the same data and diagnostics. The fast one (fast-parse.ts, js-yaml) takes
// files the careful one would accept without a word; the syntax tree is then built only if a
// position is asked for (SourceIndex locates most things from a small region of the text instead,
// see region-locator.ts). Everything else goes the careful way: `yaml`'s syntax tree, with every
// node's position, checked node by node. EDASAGA_CAREFUL_YAML=1 forces the careful path (to
// compare the two, or to rule the fast path out when chasing a problem).

import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { checkText, lineCol } from './decode-text.js';
import { fastParse } from './fast-parse.js';
import { FORBIDDEN_KEYS, MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NESTING_DEPTH } from './limits.js';
import { deepestPath, scanNesting, tooDeepMessage } from './nesting.js';
import { formatBytes } from './read-source.js';
import { yamlLib } from './yaml-lib.js';

export interface ParsedSource {
  readonly file: string;
  readonly text: string;
  /** Plain data: objects, arrays, strings, numbers, booleans, null. Map keys are strings. */
  readonly value: unknown;
  /** `yaml`'s syntax tree; for a file that took the fast path, built on first use. */
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/** A file that took the fast path: data now, syntax tree (with positions) on first use. */
export class LazyTreeSource implements ParsedSource {
  private tree: { doc: Document.Parsed; lineCounter: LineCounter } | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
  ) {}

  get treeBuilt(): boolean {
    return this.tree !== undefined;
  }

  get doc(): Document.Parsed {
    return this.build().doc;
  }

  get lineCounter(): LineCounter {
    return this.build().lineCounter;
  }

  private build(): { doc: Document.Parsed; lineCounter: LineCounter } {
    return (this.tree ??= buildTree(this.text));
  }
}

/** `yaml`'s syntax tree of `text`, with the options the careful path parses with. */
export function buildTree(text: string): { doc: Document.Parsed; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  // Duplicate keys are found in one pass by parseCarefully: yaml's own `uniqueKeys` check compares
  // every key with every other key of its mapping, which takes seconds for a catalog with
  // thousands of messages. Merge keys (`<<: *base`) are allowed: catalogs use them to share
  // payload fragments.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, merge: true });
  return { doc, lineCounter };
}

export interface ParseOutcome {
  /** Undefined when the text could not be turned into data (see diagnostics). */
  readonly parsed: ParsedSource | undefined;
  readonly diagnostics: Diagnostic[];
}

export function parseYamlSource(file: string, rawText: string, what = 'file'): ParseOutcome {
  const checked = checkText(rawText);
  if (!checked.ok) {
    return { parsed: undefined, diagnostics: [{ ...err(file, 'E_BINARY_FILE', `${what} ${checked.reason}; expected UTF-8 YAML text`), line: checked.line, col: checked.col }] };
  }
  // A lone CR ends a line in YAML 1.2 as LF does; `yaml` reads it as part of the line (a file with
  // only CRs is one long comment) and js-yaml as a break. As LF (same length, so every offset
  // stays), both read what the specification says.
  const text = checked.text.replace(/\r(?!\n)/g, '\n');
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
    return {
      parsed: undefined,
      diagnostics: [err(file, 'E_FILE_TOO_LARGE', `${what} is larger than the ${formatBytes(MAX_FILE_BYTES)} limit`)],
    };
  }
  const nesting = scanNesting(text);
  if (nesting.tooDeepAt !== undefined) return { parsed: undefined, diagnostics: [{ ...err(file, 'E_NESTING_TOO_DEEP', tooDeepMessage(what)), ...lineCol(text, nesting.tooDeepAt) }] };

  let outcome: ParseOutcome | undefined;
  if (!process.env['EDASAGA_CAREFUL_YAML']) {
    const fast = fastParse(text);
    if (fast) outcome = { parsed: new LazyTreeSource(file, text, fast.value), diagnostics: [] };
  }
  outcome ??= parseCarefully(file, text, what);
  const deep = outcome.parsed === undefined || nesting.bound <= MAX_NESTING_DEPTH ? undefined : deepestPath(outcome.parsed.value);
  if (deep === undefined) return outcome;
  const { doc, lineCounter } = outcome.parsed!;
  return { parsed: undefined, diagnostics: [{ ...err(file, 'E_NESTING_TOO_DEEP', tooDeepMessage(what)), ...nodePosition(doc, lineCounter, deep) }] };
}

/** Where the key (or list item) at `path` is written; the document start when it cannot be found. */
function nodePosition(doc: Document.Parsed, lc: LineCounter, path: readonly (string | number)[]): { line: number; col: number } {
  const { isMap, isSeq, isScalar } = yamlLib();
  let node: unknown = doc.contents;
  let range: readonly number[] | null | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (pair === undefined) break;
      range = isScalar(pair.key) ? pair.key.range : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      range = (node as YamlNode | undefined)?.range;
    } else break;
  }
  return range ? position(lc, range[0]!) : { line: 1, col: 1 };
}

/** The careful path alone (after the binary and size checks): every node checked, positions kept. */
export function parseCarefully(file: string, text: string, what = 'file'): ParseOutcome {
  const diagnostics: Diagnostic[] = [];
  const { isScalar, visit } = yamlLib();
  const { doc, lineCounter } = buildTree(text);
  const at = (offset: number, endOffset?: number) => position(lineCounter, offset, endOffset);

  // The first syntax error only: after one, the parser's idea of the structure is off and the
  // errors that follow are mostly consequences (a stray line break gave twenty). One mistake, one error.
  const first = doc.errors[0];
  if (first !== undefined) {
    // `yaml` turns its own stack overflow into an error: nesting deeper than it can parse.
    const deep = /maximum call stack size exceeded/i.test(first.message);
    diagnostics.push({
      ...(deep ? err(file, 'E_NESTING_TOO_DEEP', tooDeepMessage(what)) : err(file, 'E_YAML_SYNTAX', `invalid YAML: ${lowerFirst(first.message)}`)),
      ...at(first.pos[0], first.pos[1]),
      ...(doc.errors.length > 1 && !deep ? { hint: 'fix this one first: what the YAML parser finds after it may follow from it' } : {}),
    });
  }
  if (diagnostics.length > 0) return { parsed: undefined, diagnostics };

  for (const w of doc.warnings) {
    const isTag = w.code === 'TAG_RESOLVE_FAILED';
    diagnostics.push({
      code: isTag ? 'E_YAML_TAG' : 'W_YAML',
      severity: isTag ? 'error' : 'warning',
      message: isTag ? `unsupported YAML tag ${text.slice(w.pos[0], w.pos[1])}: edasaga files use plain YAML data` : lowerFirst(w.message),
      file,
      ...at(w.pos[0], w.pos[1]),
    });
  }

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      parsed: undefined,
      diagnostics: [...diagnostics, { ...err(file, 'E_EMPTY_FILE', `${what} is empty: expected a YAML mapping`), line: 1, col: 1 }],
    };
  }

  // Keys are checked on the tree, before any conversion, so a hostile key never reaches an object.
  visit(doc, {
    Map(_, map) {
      // Keys as they will be in the data: `1` and "1" are the same key once converted.
      const seen = new Set<string>();
      for (const item of map.items) {
        if (!isScalar(item.key)) continue;
        const name = String(item.key.value);
        if (seen.has(name)) {
          diagnostics.push({
            ...err(file, 'E_YAML_DUPLICATE_KEY', `duplicate key "${name}": each key may appear only once in a mapping`),
            ...(item.key.range ? at(item.key.range[0], item.key.range[1]) : {}),
          });
        }
        seen.add(name);
      }
    },
    Pair(_, pair) {
      const key = pair.key;
      if (key === null || key === undefined) return;
      if (!isScalar(key)) {
        const node = key as YamlNode;
        diagnostics.push({
          ...err(file, 'E_YAML_COMPLEX_KEY', 'mapping keys must be plain scalars (strings or numbers)'),
          ...(node.range ? at(node.range[0], node.range[1]) : {}),
        });
        return;
      }
      const name = String(key.value);
      if (FORBIDDEN_KEYS.has(name)) {
        diagnostics.push({
          ...err(file, 'E_FORBIDDEN_KEY', `key "${name}" is not allowed: it could alter object prototypes`),
          ...(key.range ? at(key.range[0], key.range[1]) : {}),
          hint: 'rename the key',
        });
      }
    },
  });
  if (diagnostics.some((d) => d.severity === 'error')) return { parsed: undefined, diagnostics };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError) {
      const alias = firstAlias(doc, visit);
      return {
        parsed: undefined,
        diagnostics: [
          ...diagnostics,
          {
            ...err(
              file,
              'E_YAML_ALIAS_LIMIT',
              `too many YAML alias expansions (limit ${MAX_ALIAS_COUNT}): the document expands like an alias bomb`,
            ),
            ...(alias?.range ? at(alias.range[0], alias.range[1]) : {}),
          },
        ],
      };
    }
    // Found only while building the data: a merge key (`<<: *base`) whose source is not a mapping,
    // e.g. an alias of an anchor defined further down. Reported at that merge key.
    const merge = firstBadMerge(doc);
    const message = e instanceof Error ? lowerFirst(e.message) : String(e);
    return {
      parsed: undefined,
      diagnostics: [...diagnostics, { ...err(file, 'E_YAML_SYNTAX', `invalid YAML: ${message}`), ...(merge?.range ? at(merge.range[0], merge.range[1]) : { line: 1, col: 1 }) }],
    };
  }
  return { parsed: { file, text, value, doc, lineCounter }, diagnostics };
}

/** The source of the first merge key that is not a mapping or an alias of an earlier one. */
function firstBadMerge(doc: Document.Parsed): YamlNode | undefined {
  const { isAlias, isMap, isPair, isScalar, isSeq, visit } = yamlLib();
  const anchors = new Map<string, unknown>();
  let found: YamlNode | undefined;
  const isSource = (node: unknown): boolean => isMap(node) || (isAlias(node) && isMap(anchors.get(node.source)));
  // Document order: an alias may only name an anchor written before it.
  visit(doc, (_, node) => {
    // With `merge: true`, `yaml` reads a `<<` key as a symbol.
    const key = isPair(node) && isScalar(node.key) ? node.key.value : undefined;
    if (isPair(node) && (key === '<<' || (typeof key === 'symbol' && key.description === '<<'))) {
      const value = node.value;
      const sources = isSeq(value) ? value.items : [value];
      const bad = sources.find((s) => !isSource(s));
      if (bad !== undefined || sources.length === 0) {
        found = ((bad ?? value ?? node.key) as YamlNode | null) ?? undefined;
        return visit.BREAK;
      }
    }
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor !== undefined) anchors.set(anchor, node);
    return undefined;
  });
  return found;
}

function firstAlias(doc: Document.Parsed, visit: typeof import('yaml').visit): YamlNode | undefined {
  let found: YamlNode | undefined;
  visit(doc, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

export function position(
  lc: LineCounter,
  offset: number,
  endOffset?: number,
): { line: number; col: number; endLine?: number; endCol?: number } {
  const start = lc.linePos(offset);
  if (endOffset === undefined || endOffset <= offset) return { line: start.line, col: start.col };
  const end = lc.linePos(endOffset);
  return { line: start.line, col: start.col, endLine: end.line, endCol: end.col };
}

function err(file: string, code: DiagnosticCode, message: string): Diagnostic {
  return { code, severity: 'error', message, file };
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

