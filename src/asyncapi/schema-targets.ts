// Where referenced schemas go when a document is rewritten into another one: every `$ref` target
// (a file and a JSON pointer in it) becomes, or falls inside, a named shared schema (AsyncAPI's
// `components.schemas` on export, the catalog's `definitions` on import). A target inside a shared
// schema already placed (`#/definitions/Money/properties/amount`) is reached through it, so the
// structure of the original is kept and nothing is copied twice.

import { parsePointer } from '../loader/json-pointer.js';

export interface PlacedTarget {
  /** Name of the shared schema the target is in. */
  readonly name: string;
  /** Pointer of the target inside that shared schema ('' when it is the whole schema). */
  readonly rest: string;
}

interface Root {
  readonly pointer: string;
  readonly name: string;
}

export class SchemaTargets {
  /** By file and variant (the dialect on export; '' on import): the roots placed there. */
  private readonly roots = new Map<string, Root[]>();
  private readonly used = new Set<string>();

  /** Keeps `name` from being handed out by `uniqueName` (names fixed in advance). */
  reserve(name: string): void {
    this.used.add(name.toLowerCase());
  }

  uniqueName(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${base}${/[0-9]$/.test(base) ? '_' : ''}${i}`;
    this.used.add(name.toLowerCase());
    return name;
  }

  place(file: string, pointer: string, name: string, variant = ''): void {
    const key = `${file}\u0000${variant}`;
    const list = this.roots.get(key) ?? [];
    list.push({ pointer, name });
    this.roots.set(key, list);
  }

  /** The shared schema `pointer` is in (the innermost one), if any. */
  find(file: string, pointer: string, variant = ''): PlacedTarget | undefined {
    const list = this.roots.get(`${file}\u0000${variant}`);
    if (!list) return undefined;
    let best: Root | undefined;
    for (const root of list) {
      if (pointer === root.pointer || pointer.startsWith(root.pointer + '/') || root.pointer === '') {
        if (!best || root.pointer.length > best.pointer.length) best = root;
      }
    }
    return best ? { name: best.name, rest: pointer.slice(best.pointer.length) } : undefined;
  }
}

/** A name for a shared schema from where it was found: the last pointer step, else the file's name. */
export function nameFromTarget(file: string, pointer: string): string {
  const segments = parsePointer(pointer) ?? [];
  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  const last = [...segments].reverse().find((s) => s !== 'schema' && !/^[0-9]+$/.test(s)) ?? base;
  const clean = last.replace(/[^A-Za-z0-9_]/g, '_');
  return clean === '' || /^_+$/.test(clean) ? 'Schema' : clean;
}
