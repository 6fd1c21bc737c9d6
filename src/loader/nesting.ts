// Nesting too deep to parse or walk safely, found before it does harm (see MAX_NESTING_DEPTH in limits.ts):
// in the text, before parsing, for flow collections (the parser is what such input would break);
// in the data, after parsing, for everything else, unless the text shows it cannot be that deep
// (the common case: the walk then costs nothing). Both iterative: no recursion to overflow.

import { MAX_NESTING_DEPTH } from './limits.js';

export interface NestingScan {
  /** Offset of the first flow bracket nested deeper than MAX_NESTING_DEPTH, if any. */
  readonly tooDeepAt?: number;
  /**
   * No value in the text nests deeper than this: a block node starts one column (or one `- `)
   * further in than its parent, so its depth is at most its line's indentation plus the `- `s
   * that open the line, plus the flow brackets around it. Over-estimates (block scalars, flow
   * collections over several lines), never under-estimates.
   */
  readonly bound: number;
}

/**
 * One pass over the text, before parsing, skipping quoted strings and comments. Brackets in plain
 * scalars count too (`a[b`), which can only over-count: a false alarm needs a hundred of them open.
 */
export function scanNesting(text: string): NestingScan {
  let depth = 0;
  let maxFlow = 0;
  let maxBlock = 0;
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    if (lineStart) {
      // The line's indentation and the `- ` entries opening it.
      lineStart = false;
      let j = i;
      while (text.charCodeAt(j) === 0x20) j++;
      let block = j - i;
      while (text.charCodeAt(j) === 0x2d /* - */ && text.charCodeAt(j + 1) === 0x20) {
        block++;
        j += 2;
        while (text.charCodeAt(j) === 0x20) j++;
      }
      if (block > maxBlock) maxBlock = block;
      i = j;
      if (i >= text.length) break;
    }
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) {
      lineStart = true;
    } else if (c === 0x22 /* " */) {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === 0x27 /* ' */ && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) {
      for (i++; i < text.length; i++) {
        if (text[i] !== "'") continue;
        if (text[i + 1] === "'") i++;
        else break;
      }
    } else if (c === 0x23 /* # */ && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i + 1 < text.length && text.charCodeAt(i + 1) !== 0x0a && text.charCodeAt(i + 1) !== 0x0d) i++;
    } else if (c === 0x5b || c === 0x7b /* [ { */) {
      if (++depth > MAX_NESTING_DEPTH) return { tooDeepAt: i, bound: Infinity };
      if (depth > maxFlow) maxFlow = depth;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return { bound: maxBlock + maxFlow + 1 };
}

interface Frame {
  readonly v: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number;
}

/**
 * Path (segments) to a value nested deeper than MAX_NESTING_DEPTH, or undefined. Runs on every file
 * read: only collections are pushed, and a path is only built for the one it reports.
 */
export function deepestPath(value: unknown): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Frame[] = [{ v: value, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > MAX_NESTING_DEPTH) {
      const path: (string | number)[] = [];
      for (let f: Frame | undefined = frame; f?.parent !== undefined; f = f.parent) path.unshift(f.key);
      return path;
    }
    const v = frame.v as object;
    const depth = frame.depth + 1;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (x !== null && typeof x === 'object') stack.push({ v: x, depth, parent: frame, key: i });
      }
    } else {
      for (const k of Object.keys(v)) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') stack.push({ v: x, depth, parent: frame, key: k });
      }
    }
  }
  return undefined;
}

export function tooDeepMessage(what: string): string {
  return `${what} nests mappings and lists more than ${MAX_NESTING_DEPTH} levels deep here: edasaga reads at most ${MAX_NESTING_DEPTH} (deeper documents are generated or hostile)`;
}
