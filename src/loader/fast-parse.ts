// The fast way from YAML text to plain data, for the common case: a file with nothing the careful
// parser (parseCarefully in parse-yaml.ts, the `yaml` package) has to report. `yaml` keeps a syntax tree with a
// position for every node and takes 1-2 s on a 3.7 MiB catalog; js-yaml builds plain data in about
// a tenth of that. Positions are only needed to *report* something, and SourceIndex computes them
// lazily (see region-locator.ts), so a clean catalog never pays for the syntax tree.
//
// The fast path answers `undefined` ("take the careful path") whenever it cannot promise the very
// data and diagnostics the careful path would give. The checks are deliberately over-cautious: a
// false alarm only costs speed. The careful path takes over for:
// - any js-yaml error (syntax, duplicate keys, bad indentation, too deep): the careful path
//   reports it with its designed message and position;
// - anchors, aliases, tags and merge keys (`&a`, `*a`, `!tag`, `<<`): alias bombs are stopped by
//   the careful path's alias limit, tags are reported there. Anchors and tags are found by a
//   textual check; an alias without an anchor fails both parsers; `<<` is looked for among the keys;
// - directives and document markers (`%YAML`, `---`, `...`; but for a `---` first line): several
//   documents are an error there;
// - a flow collection or quoted scalar that spans lines (js-yaml reads some that `yaml` refuses:
//   continuation lines not indented enough), or is followed by `#` with no space; a flow
//   collection as a key of a flow mapping (`{ a: 1, [b] }`);
// - empty sequence entries and compact nested sequences (js-yaml reads `- -\n- x` as [[null, x]],
//   YAML as [[null], x]; `k:\n  -\n-` as a list of two, where YAML sees an error);
// - explicit (`? `) and collection keys (`[a]: b`, `{a: b}: c`), tabs, and `#` right after a
//   bracket or comma (js-yaml reads a comment there, `yaml` an error);
// - block scalar indentation indicators (`|2`), and lines of only spaces in a file with block
//   scalars (the two read block scalars differently there);
// - a comment line between a key and its value on a later line, no more indented than the key;
// - a `\` at the end of a line (an escaped line break; the two disagree about empty lines after it);
// - keys the careful path refuses or converts differently: `__proto__`, `constructor`,
//   `prototype`, a null key (js-yaml would turn it into "null", `yaml` into ""), keys longer than
//   1024 characters (an error in `yaml`'s strict mode);
// - an empty document (E_EMPTY_FILE is the careful path's), or one that is a single scalar;
// - mappings and lists nested more than MAX_NESTING_DEPTH deep (E_NESTING_TOO_DEEP is the careful
//   path's; js-yaml is stopped a few levels past the limit, before its recursion gets deep).
// Plain scalars are resolved by our own YAML 1.2 core schema (below), with the same tests and
// conversions as `yaml`'s core schema: js-yaml's CORE_SCHEMA differs in details (`0b101`,
// `-0x1F` are numbers there, strings in YAML 1.2 and in `yaml`).
// test/foundation/fast-path.test.ts checks both paths agree on every fixture, the examples, and
// generated documents.

import jsYaml from 'js-yaml';
import { FORBIDDEN_KEYS, MAX_NESTING_DEPTH } from './limits.js';

/** Resolvers of the YAML 1.2 core schema (spec 10.3.2), in `yaml`'s order and with its conversions. */
const coreNull = new jsYaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:~|[Nn]ull|NULL)?$/.test(s),
  construct: () => null,
});
const coreBool = new jsYaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s),
  construct: (s: string) => s[0] === 't' || s[0] === 'T',
});
const coreInt = new jsYaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string) => /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/.test(s),
  construct: (s: string) =>
    s.startsWith('0o') ? parseInt(s.substring(2), 8) : s.startsWith('0x') ? parseInt(s.substring(2), 16) : parseInt(s, 10),
});
const coreFloat = new jsYaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string) =>
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s),
  construct: (s: string) =>
    /^[-+]?\.(?:inf|Inf|INF)$/.test(s)
      ? s[0] === '-'
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY
      : /^\.(?:nan|NaN|NAN)$/.test(s)
        ? NaN
        : parseFloat(s),
});

const CORE_1_2 = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: [coreNull, coreBool, coreInt, coreFloat] });

/**
 * Text the fast path does not try. Anchors and tags start a node: at the start of a line or after
 * whitespace, a flow indicator or a `:`; so does an explicit key `? `. A flow collection used as a
 * key ends in `]` or `}` followed by `:`. Over-matching (`Q & &A` in a description) only sends the
 * file down the careful path. Merge keys are found among the parsed keys (js-yaml reads `<<` as a
 * plain key with this schema).
 */
const NEEDS_CAREFUL_PATH = new RegExp(
  [
    // Anchors only: without one, an alias is an error for both parsers (then the careful path reports it).
    String.raw`(?:^|[\s\[\]{},:])&[^\s\[\]{},]`,
    String.raw`(?:^|[\s\[\]{},:])!`, // tag
    String.raw`^(?:%|---|\.\.\.)`, // directive, document marker
    String.raw`(?:^|[\s\[{,])\?(?:[\s]|$)`, // explicit key
    String.raw`[\]}][ ]*:`, // collection as key (in flow, `{a}:b` needs no space after the colon)
    // A comment not separated by a space: js-yaml accepts one in flow collections, `yaml` refuses it
    // (after a closing quote or bracket: see FlowCheck).
    String.raw`[,\[\]{}]#`,
    String.raw`-[ ]+-(?:\s|$)`, // compact nested sequence (`- - a`): js-yaml nests an empty one wrongly
    String.raw`^[ ]*-[ ]*(?:#.*)?\r?$`, // an empty sequence entry: js-yaml then takes a less indented `- x` into the same sequence
    String.raw`\\\r?$`, // an escaped line break in a double-quoted scalar: the two disagree on the empty lines after it
    // Block scalars: the two disagree on explicit indentation indicators (`|2`) and on lines of
    // only spaces in them (BLOCK_SCALAR_HEADER with SPACE_LINE, below).
    String.raw`[|>][-+]?[1-9]`,
    String.raw`\t`,
  ].join('|'),
  'm',
);

/**
 * A key whose value starts on a later line, with a comment line between them no more indented than
 * the key: `yaml` refuses some of these (`x:\n#c\n 0\ny: 1`), js-yaml reads them all.
 */
const COMMENT_BEFORE_VALUE = /^([ ]*)[^\s#][^\n]*:[ ]*(?:#[^\n]*)?\r?\n(?:[ ]*(?:#[^\n]*)?\r?\n)*?(?![ ]*\r?\n)(?!\1[ ])[ ]*#/m;

/** A block scalar header (`key: |`, `- >-`) somewhere, and a line of only spaces somewhere. */
const BLOCK_SCALAR_HEADER = /[|>][-+]?[ ]*(?:#[^\n]*)?\r?$/m;
const SPACE_LINE = /^[ ]+\r?$/m;

const LEADING_DOCUMENT_START = /^(?:[ ]*(?:#[^\n]*)?\r?\n)*---\r?\n/;

const MAX_KEY_LENGTH = 1024;

/** Plain data for `text`, or undefined when the careful path must decide (see the header). */
export function fastParse(text: string): { value: unknown } | undefined {
  // A document start marker as the first line (after comments) is common and harmless; anywhere
  // else `---` may start a second document, which the careful path reports.
  const start = LEADING_DOCUMENT_START.exec(text);
  const body = start ? text.slice(start[0].length) : text;
  if (NEEDS_CAREFUL_PATH.test(body) || COMMENT_BEFORE_VALUE.test(body)) return undefined;
  if (SPACE_LINE.test(body) && BLOCK_SCALAR_HEADER.test(body)) return undefined;
  const flows = new FlowCheck(text);
  let value: unknown;
  try {
    // js-yaml counts every node it opens (scalars too, and a flow mapping's key stays open while
    // its value is read): a document at MAX_NESTING_DEPTH opens MAX + 2. Past that it stops with
    // an error (its own default is 100); keysAreSafe gives the exact verdict for what gets through.
    // (`maxDepth` is js-yaml 4.3's option; @types/js-yaml does not know it yet.)
    value = jsYaml.load(text, { schema: CORE_1_2, listener: flows.listener, maxDepth: MAX_NESTING_DEPTH + 3 } as jsYaml.LoadOptions);
  } catch {
    return undefined;
  }
  // Catalogs, sagas and schema files are mappings; a scalar document (even `true`, a valid schema)
  // is rare enough to leave to the careful path, which reads top-level block scalars differently.
  if (value === null || typeof value !== 'object' || flows.found) return undefined;
  return keysAreSafe(value) ? { value } : undefined;
}

/**
 * Finds, through js-yaml's parse events:
 * - flow collections and quoted scalars that span lines, or have a comment glued to their end
 *   (`"a"#c`). `yaml` refuses continuation lines not indented more than the enclosing block, and
 *   unseparated comments, where js-yaml reads on; telling those apart would mean tracking YAML's
 *   indentation rules, so any multi-line one takes the careful path;
 * - a flow collection written as a key of a flow mapping without a colon (`{ a: 1, [b] }`):
 *   `yaml` reports a complex key, js-yaml turns it into the string "b".
 * Only the first character of each node is looked at, and whole lines only for multi-line ones.
 */
class FlowCheck {
  found = false;
  private readonly starts: number[] = [];
  /** Per open node: a flow collection child sits where a flow mapping has its keys. */
  private readonly collectionAtEntryStart: boolean[] = [];

  constructor(private readonly text: string) {}

  readonly listener = (event: 'open' | 'close', state: jsYaml.State): void => {
    if (event === 'open') {
      this.starts.push(state.position);
      this.collectionAtEntryStart.push(false);
      return;
    }
    const start = this.starts.pop()!;
    const keyLikeChild = this.collectionAtEntryStart.pop()!;
    if (this.found) return;
    const text = this.text;
    const end = state.position;
    const first = skipSpaceAndComments(text, start, end);
    const c = text.charCodeAt(first);
    const flowCollection = state.kind !== 'scalar' && (c === 91 /* [ */ || c === 123 /* { */);
    const quoted = state.kind === 'scalar' && (c === 34 /* " */ || c === 39 /* ' */);
    if (!flowCollection && !quoted) return;
    const firstBreak = text.indexOf('\n', first);
    if ((firstBreak !== -1 && firstBreak < end) || text.charCodeAt(end) === 35 /* # */ || (keyLikeChild && c === 123)) {
      this.found = true;
      return;
    }
    if (flowCollection && this.collectionAtEntryStart.length > 0) {
      let p = first - 1;
      while (p >= 0 && text.charCodeAt(p) === 32) p--;
      const before = text.charCodeAt(p);
      if (before === 123 /* { */ || before === 44 /* , */) this.collectionAtEntryStart[this.collectionAtEntryStart.length - 1] = true;
    }
  };
}

function skipSpaceAndComments(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13) i++;
    else if (c === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? end : nl;
    } else break;
  }
  return i;
}

/** No key the careful path refuses or converts differently, and no nesting deeper than the limit. */
function keysAreSafe(root: unknown): boolean {
  const stack: unknown[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop() as number;
    if (v === null || typeof v !== 'object') continue;
    if (depth > MAX_NESTING_DEPTH) return false;
    if (Array.isArray(v)) {
      for (const item of v) {
        if (item !== null && typeof item === 'object') {
          stack.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key) || key === 'null' || key === '<<' || key.length > MAX_KEY_LENGTH) return false;
      const item = (v as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') {
        stack.push(item);
        depths.push(depth + 1);
      }
    }
  }
  return true;
}
