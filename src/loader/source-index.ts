// Maps "a place in a parsed document" (file + JSON pointer) back to line and column in the text,
// so validate, generate and check-compat can all point at the exact spot a finding is about.

import { resolve } from 'node:path';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Pair } from 'yaml';
import type { SourceLocation } from '../model/types.js';
import type { ParsedSource } from './parse-yaml.js';
import { position } from './parse-yaml.js';
import { parsePointer } from './json-pointer.js';

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
    const root = src.doc.contents as YamlNode | null;
    if (!root) return undefined;

    let node: YamlNode = root;
    let pair: Pair | undefined;
    for (const seg of segments) {
      const cur = deref(node, src);
      let next: YamlNode | undefined;
      const parentPair = pair;
      pair = undefined;
      if (isMap(cur)) {
        const p = cur.items.find((it) => isScalar(it.key) && String(it.key.value) === seg);
        if (p) {
          pair = p as Pair;
          next = (p.value as YamlNode | null) ?? undefined;
          if (!next) return this.spanOf(src, p.key as YamlNode);
        }
      } else if (isSeq(cur) && /^(0|[1-9][0-9]*)$/.test(seg)) {
        next = (cur.items[Number(seg)] as YamlNode | undefined) ?? undefined;
      }
      // Not there: point at the nearest thing that is (the entry whose content lacks it).
      if (!next) return this.spanOf(src, (parentPair?.key as YamlNode | undefined) ?? node);
      node = next;
    }
    if (target === 'key' && pair && pair.key) return this.spanOf(src, pair.key as YamlNode);
    return this.spanOf(src, node);
  }

  private spanOf(src: ParsedSource, node: YamlNode): SourceSpan | undefined {
    const range = node.range;
    if (!range) return undefined;
    // For collections, underline only the first line: the code frame shows one line.
    const end = isMap(node) || isSeq(node) ? Math.min(range[1], lineEnd(src.text, range[0])) : range[1];
    return { file: src.file, ...position(src.lineCounter, range[0], end) };
  }

  private get(file: string): ParsedSource | undefined {
    return this.sources.get(file) ?? this.sources.get(resolve(file));
  }
}

function deref(node: YamlNode, src: ParsedSource): YamlNode {
  if (isAlias(node)) {
    const target = node.resolve(src.doc);
    return (target as YamlNode | undefined) ?? node;
  }
  return node;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
}
