// Nesting too deep to parse or walk safely, found before it does harm (see MAX_NESTING in limits.ts):
// in the text, before parsing, for flow collections (the parser is what such input would break);
// in the data, after parsing, for everything else. Both iterative: no recursion to overflow.

import { MAX_NESTING } from './limits.js';

/**
 * Offset of the first flow bracket nested deeper than MAX_NESTING, skipping quoted strings and
 * comments; undefined when there is none. Brackets in plain scalars count too (`a[b`), which can
 * only over-count: a false alarm needs a hundred of them open on one path.
 */
export function flowNesting(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === 0x27 /* ' */ && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) {
      for (i++; i < text.length; i++) {
        if (text[i] !== "'") continue;
        if (text[i + 1] === "'") i++;
        else break;
      }
    } else if (c === 0x23 /* # */ && (i === 0 || /\s/.test(text[i - 1]!))) {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
    } else if (c === 0x5b || c === 0x7b /* [ { */) {
      if (++depth > MAX_NESTING) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

interface Frame {
  readonly v: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number;
}

/**
 * Path (segments) to a value nested deeper than MAX_NESTING, or undefined. Runs on every file
 * read: only collections are pushed, and a path is only built for the one it reports.
 */
export function deepestPath(value: unknown): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Frame[] = [{ v: value, depth: 0, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.depth > MAX_NESTING) {
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
  return `${what} nests deeper than ${MAX_NESTING} levels here; edasaga does not read it`;
}
