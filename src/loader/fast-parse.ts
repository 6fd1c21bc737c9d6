// The fast way from YAML text to plain data, for the common case: a file with nothing the careful
// parser (parse-yaml-full.ts, the `yaml` package) has to report. `yaml` keeps a syntax tree with a
// position for every node and takes 1-2 s on a 3.7 MiB catalog; js-yaml builds plain data in about
// a tenth of that. Positions are only needed to *report* something, and SourceIndex computes them
// lazily (see region-locator.ts), so a clean catalog never pays for the syntax tree.
//
// The fast path answers `undefined` ("take the careful path") whenever it cannot promise the very
// data and diagnostics the careful path would give. The checks are deliberately over-cautious: a
// false alarm only costs speed. The careful path takes over for:
// - any js-yaml error (syntax, duplicate keys, bad indentation, too deep): the careful path
//   reports it with its designed message and position;
// - anchors, aliases, tags and merge keys (`&a`, `*a`, `!tag`, `<<`), found by a textual check:
//   alias bombs are stopped by the careful path's alias limit, tags are reported there;
// - directives and document markers (`%YAML`, `---`, `...`): several documents are an error there;
// - explicit (`? `) and collection keys (`[a]: b`, `{a: b}: c`), and tabs;
// - keys the careful path refuses or converts differently: `__proto__`, `constructor`,
//   `prototype`, a null key (js-yaml would turn it into "null", `yaml` into ""), keys longer than
//   1024 characters (an error in `yaml`'s strict mode);
// - an empty document (E_EMPTY_FILE is the careful path's).
// Plain scalars are resolved by our own YAML 1.2 core schema (below), with the same tests and
// conversions as `yaml`'s core schema: js-yaml's CORE_SCHEMA differs in details (`0b101`,
// `-0x1F` are numbers there, strings in YAML 1.2 and in `yaml`).
// test/foundation/fast-path.test.ts checks both paths agree on every fixture, the examples, and
// generated documents.

import jsYaml from 'js-yaml';
import { FORBIDDEN_KEYS } from './limits.js';

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
 * Text the fast path does not try. Anchors, aliases and tags start a node: at the start of a line
 * or after whitespace, a flow indicator or a `:`; so does an explicit key `? `. A flow collection
 * used as a key ends in `]` or `}` followed by `:`. Over-matching (`a * b` in a description) only
 * sends the file down the careful path.
 */
const NEEDS_CAREFUL_PATH = new RegExp(
  [
    String.raw`(?:^|[\s\[\]{},:])[&*][^\s\[\]{},]`, // anchor or alias
    String.raw`(?:^|[\s\[\]{},:])!`, // tag
    String.raw`<<`, // merge key
    String.raw`^(?:%|---|\.\.\.)`, // directive, document marker
    String.raw`(?:^|[\s\[{,])\?(?:[\s]|$)`, // explicit key
    String.raw`[\]}][ ]*:(?:[\s,\[\]{}]|$)`, // collection as key
    String.raw`\t`,
  ].join('|'),
  'm',
);

const MAX_KEY_LENGTH = 1024;

/** Plain data for `text`, or undefined when the careful path must decide (see the header). */
export function fastParse(text: string): { value: unknown } | undefined {
  if (NEEDS_CAREFUL_PATH.test(text)) return undefined;
  let value: unknown;
  try {
    value = jsYaml.load(text, { schema: CORE_1_2 });
  } catch {
    return undefined;
  }
  if (value === null || value === undefined) return undefined;
  return keysAreSafe(value) ? { value } : undefined;
}

function keysAreSafe(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === 'object') stack.push(item);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key) || key === 'null' || key.length > MAX_KEY_LENGTH) return false;
      const item = (v as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push(item);
    }
  }
  return true;
}
