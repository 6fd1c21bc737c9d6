// Maps "a place in a parsed document" (file + JSON pointer) back to line and column in the text,
// so validate, generate and check-compat can all point at the exact spot a finding is about.

import { resolve } from 'node:path';
import type { Document, LineCounter, Node as YamlNode, Pair } from 'yaml';
import type { SourceLocation } from '../model/types.js';
import type { ParsedSource } from './parse-yaml.js';
import { LazyTreeSource, position } from './parse-yaml.js';
import { parsePointer } from './json-pointer.js';
import { RegionLocator } from './region-locator.js';
import { yamlLib } from './yaml-lib.js';

/** What a walk along a pointer runs on: the whole file's tree, or a region of it (region-locator.ts). */
interface Tree {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly text: string;
  /** Lines of the file before `text`. */
  readonly lineOffset: number;
  /** Pointer segments the tree's root stands for (0 for the whole file). */
  readonly skip: number;
}

export interface SourceSpan {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine?: number;
  readonly endCol?: number;
}

/** Which part of a mapping entry to point at. */
export type SpanTarget = 'key' | 'value';

export class SourceIndex {
  private readonly sources = new Map<string, ParsedSource>();
  private readonly texts = new Map<string, string>();
  private readonly regionLocators = new Map<ParsedSource, RegionLocator>();

  /** `smallRegionBytes`: see region-locator.ts (tests set 0 to narrow every lookup as far as it goes). */
  constructor(private readonly options: { readonly smallRegionBytes?: number } = {}) {}

  /** Registers a parsed file. `file` is stored as given and also under its absolute path. */
  add(source: ParsedSource): void {
    this.sources.set(source.file, source);
    this.sources.set(resolve(source.file), source);
    this.addText(source.file, source.text);
  }

  /** Registers text that could not be parsed, so code frames can still show it. */
  addText(file: string, text: string): void {
    this.texts.set(file, text);
    this.texts.set(resolve(file), text);
  }

  has(file: string): boolean {
    return this.sources.has(file) || this.sources.has(resolve(file));
  }

  files(): string[] {
    return [...new Set([...this.sources.values()].map((s) => s.file))];
  }

  /** Source text of a file edasaga read, for code frames. */
  text(file: string): string | undefined {
    return this.texts.get(file) ?? this.texts.get(resolve(file));
  }

  /** Parsed data of a registered file. */
  value(file: string): unknown {
    return this.get(file)?.value;
  }

  /**
   * Line/col of the thing a JSON pointer names: when the pointer's last step is a mapping key,
   * the key itself (`total:` for `/.../properties/total`); for a sequence item, the item.
   * If the exact place does not exist, the nearest existing ancestor.
   */
  locate(file: string, pointer: string): SourceLocation | undefined {
    const span = this.span(file, pointer, 'key');
    return span ? { file: span.file, line: span.line, col: span.col } : undefined;
  }

  /** Like `locate`, with the end of the span, pointing at the key or at the value. */
  span(file: string, pointer: string, target: SpanTarget = 'key'): SourceSpan | undefined {
    const src = this.get(file);
    if (!src) return undefined;
    const segments = parsePointer(pointer);
    if (!segments) return undefined;
    const tree = this.treeFor(src, segments, target === 'key');
    const root = tree.doc.contents as YamlNode | null;
    if (!root) return undefined;
    const { isMap, isScalar, isSeq } = yamlLib();

    let node: YamlNode = root;
    let pair: Pair | undefined;
    for (const seg of tree.skip === 0 ? segments : segments.slice(tree.skip - 1)) {
      const cur = deref(node, tree.doc);
      let next: YamlNode | undefined;
      const parentPair = pair;
      pair = undefined;
      if (isMap(cur)) {
        const p = cur.items.find((it) => isScalar(it.key) && String(it.key.value) === seg);
        if (p) {
          pair = p as Pair;
          next = (p.value as YamlNode | null) ?? undefined;
          if (!next) return spanOf(src.file, tree, p.key as YamlNode);
        }
      } else if (isSeq(cur) && /^(0|[1-9][0-9]*)$/.test(seg)) {
        next = (cur.items[Number(seg)] as YamlNode | undefined) ?? undefined;
      }
      // Not there: point at the nearest thing that is (the entry whose content lacks it).
      if (!next) return spanOf(src.file, tree, (parentPair?.key as YamlNode | undefined) ?? node);
      node = next;
    }
    if (target === 'key' && pair && pair.key) return spanOf(src.file, tree, pair.key as YamlNode);
    return spanOf(src.file, tree, node);
  }

  /** The whole file's tree if it exists (or the file is small); else, when one will do, a region's. */
  private treeFor(src: ParsedSource, segments: readonly string[], keyOnly: boolean): Tree {
    if (src instanceof LazyTreeSource && !src.treeBuilt) {
      let locator = this.regionLocators.get(src);
      if (!locator) {
        locator = new RegionLocator(src.text, src.value, this.options.smallRegionBytes);
        this.regionLocators.set(src, locator);
      }
      const region = locator.find(segments, keyOnly);
      if (region) return { doc: region.doc, lineCounter: region.lineCounter, text: region.text, lineOffset: region.lineOffset, skip: region.depth };
    }
    return { doc: src.doc, lineCounter: src.lineCounter, text: src.text, lineOffset: 0, skip: 0 };
  }

  private get(file: string): ParsedSource | undefined {
    return this.sources.get(file) ?? this.sources.get(resolve(file));
  }
}

function spanOf(file: string, tree: Tree, node: YamlNode): SourceSpan | undefined {
  const range = node.range;
  if (!range) return undefined;
  const { isMap, isSeq } = yamlLib();
  // For collections, underline only the first line: the code frame shows one line.
  const end = isMap(node) || isSeq(node) ? Math.min(range[1], lineEnd(tree.text, range[0])) : range[1];
  const at = position(tree.lineCounter, range[0], end);
  if (tree.lineOffset === 0) return { file, ...at };
  return {
    file,
    line: at.line + tree.lineOffset,
    col: at.col,
    ...(at.endLine !== undefined && at.endCol !== undefined ? { endLine: at.endLine + tree.lineOffset, endCol: at.endCol } : {}),
  };
}

function deref(node: YamlNode, doc: Document.Parsed): YamlNode {
  if (yamlLib().isAlias(node)) {
    const target = node.resolve(doc);
    return (target as YamlNode | undefined) ?? node;
  }
  return node;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
}
