// Finds positions in a big file that took the fast path without building the whole syntax tree:
// the place a pointer names lies inside some block-mapping entry (`  Message42:` and the lines
// indented below it); that entry's lines, parsed alone by `yaml`, give the same positions as the
// whole file would (shifted by the entry's first line). A 3.7 MiB catalog takes seconds to parse
// whole and milliseconds per entry.
//
// The entry is found by reading indentation, which is only a guess about YAML's structure, so
// every region is checked before it is used: it must parse without errors into exactly the one
// key and the very data the fast parser produced for that place. When any of that fails, or the
// file is small, or the place is not inside a block mapping, the caller parses the whole file
// (`undefined`). Only files without tabs, anchors or tags get here (see fast-parse.ts).

import { isDeepStrictEqual } from 'node:util';
import type { Document, LineCounter } from 'yaml';
import { buildTree } from './parse-yaml.js';
import { yamlLib } from './yaml-lib.js';

/** Regions at most this big are parsed as they are instead of being narrowed further. */
export const SMALL_REGION_BYTES = 8 * 1024;

export interface Region {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The region's text (from the start of its first line). */
  readonly text: string;
  /** Lines before the region: add to the region's line numbers to get the file's. */
  readonly lineOffset: number;
  /** How many pointer segments the region's root mapping stands for; its only key is the last of them. */
  readonly depth: number;
}

interface Entry {
  readonly from: number;
  readonly to: number;
  /** The value starts on the key's line (a scalar or flow collection): nothing to narrow below it. */
  readonly inline: boolean;
}

export class RegionLocator {
  private lineStarts: number[] | undefined;
  private readonly entryMaps = new Map<string, Map<string, Entry> | null>();
  private readonly regions = new Map<string, Region | null>();

  constructor(
    private readonly text: string,
    private readonly value: unknown,
    private readonly smallRegionBytes = SMALL_REGION_BYTES,
  ) {}

  /**
   * A small parsed region holding the place `segments` names, or undefined (parse the whole file).
   * `keyOnly`: only the position of the last segment's key is wanted, so a big entry can be
   * answered from its key's line alone.
   */
  find(segments: readonly string[], keyOnly = false): Region | undefined {
    const starts = this.starts();
    let from = 0;
    let to = starts.length - 1;
    let depth = 0;
    let value = this.value;
    while (depth < segments.length && starts[to]! - starts[from]! > this.smallRegionBytes) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) break;
      const seg = segments[depth]!;
      if (!Object.prototype.hasOwnProperty.call(value, seg)) break;
      const entries = this.entries(depth === 0 ? from : from + 1, to);
      const entry = entries && (entries.get(seg) ?? entries.get(JSON.stringify(seg)) ?? entries.get(`'${seg.replace(/'/g, "''")}'`));
      if (!entry) break;
      from = entry.from;
      to = entry.to;
      value = (value as Record<string, unknown>)[seg];
      depth++;
      if (entry.inline) break;
    }
    if (depth === 0) return undefined;
    // `/messages` of a big catalog: the key's line says where the key is.
    const keyLine = keyOnly && depth === segments.length && starts[to]! - starts[from]! > this.smallRegionBytes;
    const cacheKey = keyLine ? `key ${from}` : `${from}:${to}`;
    let region = this.regions.get(cacheKey);
    if (region === undefined) {
      region = (keyLine ? this.parseKeyLine(from, depth, segments[depth - 1]!) : this.parse(from, to, depth, segments[depth - 1]!, value)) ?? null;
      this.regions.set(cacheKey, region);
    }
    return region ?? undefined;
  }

  private parse(from: number, to: number, depth: number, key: string, value: unknown): Region | undefined {
    const starts = this.starts();
    const text = this.text.slice(starts[from], starts[to]);
    const { doc, lineCounter } = buildTree(text);
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
    // The region must hold exactly `key: <the data the fast parser read there>`.
    if (!isDeepStrictEqual(doc.toJS(), { [key]: value })) return undefined;
    return { doc, lineCounter, text, lineOffset: from, depth };
  }

  /** The key's line alone; it must read as a mapping with just that key (its value is not looked at). */
  private parseKeyLine(line: number, depth: number, key: string): Region | undefined {
    const starts = this.starts();
    const text = this.text.slice(starts[line], starts[line + 1]);
    const { doc, lineCounter } = buildTree(text);
    if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
    const { isMap, isScalar } = yamlLib();
    const root = doc.contents;
    if (!isMap(root) || root.items.length !== 1) return undefined;
    const k = root.items[0]!.key;
    if (!isScalar(k) || String(k.value) !== key) return undefined;
    return { doc, lineCounter, text, lineOffset: line, depth };
  }

  /**
   * The entries of the block mapping whose lines are [from, to), by the key as written (plain,
   * "double-" or 'single-quoted'), or null when the lines do not look like one.
   */
  private entries(from: number, to: number): Map<string, Entry> | null {
    const cacheKey = `${from}:${to}`;
    const cached = this.entryMaps.get(cacheKey);
    if (cached !== undefined) return cached;
    const found = this.scanEntries(from, to);
    this.entryMaps.set(cacheKey, found);
    return found;
  }

  private scanEntries(from: number, to: number): Map<string, Entry> | null {
    const text = this.text;
    const starts = this.starts();
    const out = new Map<string, Entry>();
    let indent = -1;
    let open: { key: string; from: number; inline: boolean } | undefined;
    const close = (end: number) => {
      if (open && !out.has(open.key)) out.set(open.key, { from: open.from, to: end, inline: open.inline });
      open = undefined;
    };
    for (let line = from; line < to; line++) {
      const start = starts[line]!;
      const end = starts[line + 1]!;
      let i = start;
      while (i < end && text.charCodeAt(i) === 32) i++;
      const c = text.charCodeAt(i);
      if (i >= end || c === 10 || c === 13 || c === 35 /* # */) continue; // blank or comment-only
      const lineIndent = i - start;
      // The document start marker before the root mapping's first entry.
      if (indent === -1 && from === 0 && lineIndent === 0 && text.startsWith('---', i) && isBreakOrSpace(text.charCodeAt(i + 3))) continue;
      if (indent === -1) indent = lineIndent;
      if (lineIndent > indent) continue; // inside the current entry's value
      if (lineIndent < indent) {
        close(line);
        break; // the mapping ended
      }
      // A `- item` at the mapping's own indentation belongs to the entry above (a block sequence
      // may sit at its key's indentation).
      if (c === 45 /* - */ && isBreakOrSpace(text.charCodeAt(i + 1))) {
        if (!open) return null;
        continue;
      }
      close(line);
      const colon = keyEnd(text, i, end);
      if (colon === -1) return null;
      const rest = text.slice(colon + 1, end).trim();
      open = { key: text.slice(i, colon).trimEnd(), from: line, inline: rest !== '' && !rest.startsWith('#') };
    }
    close(to);
    return out;
  }

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      if (starts[starts.length - 1] !== text.length) starts.push(text.length);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }
}

function isBreakOrSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || Number.isNaN(c);
}

/** Offset of the `:` that ends an implicit key starting at `i` (a `:` followed by a space or the line end), or -1. */
function keyEnd(text: string, i: number, end: number): number {
  for (let j = i; j < end; j++) {
    if (text.charCodeAt(j) === 58 /* : */ && isBreakOrSpace(text.charCodeAt(j + 1))) return j;
  }
  return -1;
}
