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

import type { CST, Document, LineCounter, Node as YamlNode } from 'yaml';
import type { Diagnostic } from '../core/diagnostics.js';
import { checkText } from './decode-text.js';
import { fastParse } from './fast-parse.js';
import { FORBIDDEN_KEYS, MAX_ALIAS_COUNT, MAX_FILE_BYTES, MAX_NESTING_DEPTH } from './limits.js';
import { formatBytes } from './read-source.js';
import { yamlLib } from './yaml-lib.js';

type CstToken = CST.Token;

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
  const tree = guardedTree(text);
  // Only files the fast path took get here, and it takes none nested too deep.
  if ('tooDeepAt' in tree) throw new Error(`buildTree: nesting deeper than ${MAX_NESTING_DEPTH} at offset ${tree.tooDeepAt}`);
  return tree;
}

/**
 * What `parseDocument` does (yaml's Lexer, Parser and Composer), with the nesting depth watched on
 * the way: the Lexer and Parser keep their own stacks, but the Composer and toJS recurse per
 * level, and V8 dies of "out of memory" rather than throwing when a regular expression is
 * compiled near the end of the stack. So a document nesting deeper than MAX_NESTING_DEPTH is
 * stopped where its first too-deep collection opens, before anything recurses (and before the
 * rest of a huge one is even lexed).
 */
function guardedTree(text: string): { doc: Document.Parsed; lineCounter: LineCounter } | { tooDeepAt: number; lineCounter: LineCounter } {
  const { Composer, LineCounter, Lexer, Parser, YAMLParseError } = yamlLib();
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // as Parser.parse does before its first lexeme
  const tokens: CstToken[] = [];
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) tokens.push(token);
    // parser.stack holds the open document and collections (and at most a scalar or two being read).
    if (parser.stack.length > MAX_NESTING_DEPTH) {
      const at = tooDeepCollection(parser.stack);
      if (at !== undefined) return { tooDeepAt: at, lineCounter };
    }
  }
  for (const token of parser.end()) tokens.push(token);
  // Duplicate keys are found in one pass by parseCarefully: yaml's own `uniqueKeys` check compares
  // every key with every other key of its mapping, which takes seconds for a catalog with
  // thousands of messages. Merge keys (`<<: *base`) are allowed: catalogs use them to share
  // payload fragments.
  const composer = new Composer({ prettyErrors: false, uniqueKeys: false, strict: true, merge: true });
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      // As parseDocument reports a second document.
      doc.errors.push(new YAMLParseError([next.range[0], next.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
      break;
    }
  }
  // compose(..., forceDoc = true) always ends with a document.
  return { doc: doc as Document.Parsed, lineCounter };
}

const COLLECTIONS: ReadonlySet<string> = new Set(['block-map', 'block-seq', 'flow-collection']);

/** Where the first collection deeper than the limit opens, if the parser's stack holds one. */
function tooDeepCollection(stack: readonly CstToken[]): number | undefined {
  let depth = 0;
  for (const token of stack) {
    if (!COLLECTIONS.has(token.type)) continue;
    if (++depth > MAX_NESTING_DEPTH) return token.offset;
  }
  return undefined;
}

export interface ParseOutcome {
  /** Undefined when the text could not be turned into data (see diagnostics). */
  readonly parsed: ParsedSource | undefined;
  readonly diagnostics: Diagnostic[];
}

export function parseYamlSource(file: string, rawText: string, what = 'file'): ParseOutcome {
  const checked = checkText(rawText);
  if (!checked.ok) {
    return { parsed: undefined, diagnostics: [err(file, 'E_BINARY_FILE', `${what} ${checked.reason}; expected UTF-8 YAML text`)] };
  }
  const text = checked.text;
  if (Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) {
    return {
      parsed: undefined,
      diagnostics: [err(file, 'E_FILE_TOO_LARGE', `${what} is larger than the ${formatBytes(MAX_FILE_BYTES)} limit`)],
    };
  }

  if (!process.env['EDASAGA_CAREFUL_YAML']) {
    const fast = fastParse(text);
    if (fast) return { parsed: new LazyTreeSource(file, text, fast.value), diagnostics: [] };
  }
  return parseCarefully(file, text, what);
}

/** The careful path alone (after the binary and size checks): every node checked, positions kept. */
export function parseCarefully(file: string, text: string, what = 'file'): ParseOutcome {
  const diagnostics: Diagnostic[] = [];
  const { isScalar, visit } = yamlLib();
  const tree = guardedTree(text);
  if ('tooDeepAt' in tree) {
    return {
      parsed: undefined,
      diagnostics: [{ ...err(file, 'E_NESTING_TOO_DEEP', tooDeepMessage(what)), ...position(tree.lineCounter, tree.tooDeepAt) }],
    };
  }
  const { doc, lineCounter } = tree;
  const at = (offset: number, endOffset?: number) => position(lineCounter, offset, endOffset);

  for (const e of doc.errors) {
    diagnostics.push({
      ...err(file, 'E_YAML_SYNTAX', `invalid YAML: ${lowerFirst(e.message)}`),
      ...at(e.pos[0], e.pos[1]),
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
      diagnostics: [...diagnostics, err(file, 'E_EMPTY_FILE', `${what} is empty: expected a YAML mapping`)],
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
    return {
      parsed: undefined,
      diagnostics: [...diagnostics, err(file, 'E_YAML_SYNTAX', `invalid YAML: ${e instanceof Error ? e.message : String(e)}`)],
    };
  }
  return { parsed: { file, text, value, doc, lineCounter }, diagnostics };
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

/** The one message for a too-deep document, whichever check finds it. */
function tooDeepMessage(what: string): string {
  return `${what} nests mappings and lists more than ${MAX_NESTING_DEPTH} levels deep here: edasaga reads at most ${MAX_NESTING_DEPTH} (deeper documents are generated or hostile)`;
}

function err(file: string, code: string, message: string): Diagnostic {
  return { code, severity: 'error', message, file };
}

function lowerFirst(s: string): string {
  return s.length > 0 ? s[0]!.toLowerCase() + s.slice(1) : s;
}

