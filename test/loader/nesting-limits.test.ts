// Documents nested deeper than MAX_NESTING_DEPTH (issue 15 item 6: `{"allOf":[` x500 crashed the
// process with "out of memory", x400 gave "maximum call stack size exceeded"): both parsing paths
// refuse them with one located E_NESTING_TOO_DEEP, and accept everything up to the limit alike.

import { describe, expect, it } from 'vitest';
import { fastParse } from '../../src/loader/fast-parse.js';
import { MAX_NESTING_DEPTH } from '../../src/loader/limits.js';
import { parseCarefully, parseYamlSource } from '../../src/loader/parse-yaml.js';

/** `{"k":[` n times, a string schema, and the closing brackets: 2n + 1 nested collections. */
const combinators = (n: number, k: string) => `{"${k}":[`.repeat(n) + '{"type":"string"}' + ']}'.repeat(n);

/** A block mapping nested `levels` deep: `a:` indented one more space per line. */
const block = (levels: number) => Array.from({ length: levels - 1 }, (_, i) => `${' '.repeat(i)}a:\n`).join('') + `${' '.repeat(levels - 1)}b: 1\n`;

describe('nesting depth', () => {
  it(`is ${MAX_NESTING_DEPTH} levels`, () => {
    expect(MAX_NESTING_DEPTH).toBe(100);
  });

  it.each([
    ['allOf', 500],
    ['anyOf', 1000],
    ['allOf', 400],
    ['allOf', 50],
  ])('%s x%i is refused where the 101st collection opens, on either path', (k, n) => {
    const text = combinators(n, k);
    expect(fastParse(text)).toBeUndefined();
    // The loader's guard runs before either parser (parseYamlSource), with the fast path and the careful one.
    const careful = (): ReturnType<typeof parseYamlSource> => {
      const before = process.env['EDASAGA_CAREFUL_YAML'];
      process.env['EDASAGA_CAREFUL_YAML'] = '1';
      try {
        return parseYamlSource('deep.json', text, 'old schema');
      } finally {
        if (before === undefined) delete process.env['EDASAGA_CAREFUL_YAML'];
        else process.env['EDASAGA_CAREFUL_YAML'] = before;
      }
    };
    for (const outcome of [parseYamlSource('deep.json', text, 'old schema'), careful()]) {
      expect(outcome.parsed).toBeUndefined();
      expect(outcome.diagnostics).toEqual([
        {
          code: 'E_NESTING_TOO_DEEP',
          severity: 'error',
          file: 'deep.json',
          line: 1,
          // 50 levels of `{"allOf":[` (10 characters) hold 100 collections; the next one is refused.
          col: 501,
          message: expect.stringMatching(/^old schema nests mappings and lists more than 100 levels deep here/),
        },
      ]);
    }
  });

  it('a document exactly at the limit parses, to the same data on both paths', () => {
    const text = combinators(49, 'allOf').replace('{"type":"string"}', '{"type":"string","enum":[]}');
    const fast = fastParse(text);
    expect(fast).toBeDefined();
    const careful = parseCarefully('ok.json', text);
    expect(careful.diagnostics).toEqual([]);
    expect(careful.parsed?.value).toEqual(fast?.value);
  });

  it('block nesting counts too', () => {
    // Levels below the document's top mapping: block(101) nests 100 below it, block(102) one too many.
    expect(parseYamlSource('ok.yaml', block(101)).diagnostics).toEqual([]);
    const deep = parseYamlSource('deep.yaml', block(102));
    expect(deep.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['E_NESTING_TOO_DEEP', 101, 101]]);
  });

  it('a flow collection millions deep is stopped where it crosses the limit, not read to the end', () => {
    const text = '['.repeat(2_000_000) + ']'.repeat(2_000_000);
    const outcome = parseYamlSource('deep.json', text);
    expect(outcome.diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([['E_NESTING_TOO_DEEP', 1, 101]]);
  });
});
