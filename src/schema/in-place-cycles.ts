// Recursion that never reaches a part of the value: a schema that, through `$ref`, `allOf`,
// `anyOf`, `oneOf`, `not`, `if`/`then`/`else` or `dependentSchemas`, applies itself to the very
// value it is checking (`A: { $ref: B }`, `B: { allOf: [{ $ref: A }] }`). It means nothing, a
// validator recursing through it never ends (a stack overflow at run time), and its TypeScript type
// is circular (`type A = B; type B = A`). Recursion through `properties`, `items` and the like is
// fine: each step goes one level into the value. Reported at the first `$ref` of the cycle.
import { toPointer } from '../loader/json-pointer.js';
import { forEachInPlaceSubschema, isSchemaObject } from './walk.js';

export interface SchemaNode {
  readonly file: string;
  readonly pointer: string;
  readonly schema: unknown;
}

export interface InPlaceCycle {
  /** Where the reported `$ref` is written (the schema holding it, and the ref). */
  readonly file: string;
  readonly pointer: string;
  readonly ref: string;
  /** `file#pointer` of every schema on the cycle. */
  readonly keys: ReadonlySet<string>;
  /** The cycle as a reader would follow it, e.g. `#/definitions/A -> allOf/0 -> #/definitions/A`. */
  readonly path: readonly string[];
}

interface Edge {
  readonly to: SchemaNode;
  /** The `$ref` this edge follows, if it is one. */
  readonly ref?: { readonly file: string; readonly pointer: string; readonly ref: string };
  readonly label: string;
}

/**
 * Cycles among `nodes` and everything they reach in place. `target` resolves a `$ref` written in
 * `file` (undefined when it does not resolve: reported elsewhere).
 */
export function inPlaceCycles(nodes: readonly SchemaNode[], target: (ref: string, file: string) => SchemaNode | undefined): InPlaceCycle[] {
  const key = (n: SchemaNode) => `${n.file}#${n.pointer}`;
  const done = new Set<string>();
  const cycles: InPlaceCycle[] = [];
  const found = new Set<string>();

  const edges = (n: SchemaNode): Edge[] => {
    const s = n.schema;
    if (!isSchemaObject(s)) return [];
    const out: Edge[] = [];
    const ref = s['$ref'];
    if (typeof ref === 'string') {
      const to = target(ref, n.file);
      if (to !== undefined) out.push({ to, ref: { file: n.file, pointer: n.pointer, ref }, label: ref });
    }
    forEachInPlaceSubschema(s, (sub, path) => out.push({ to: { file: n.file, pointer: n.pointer + toPointer(path), schema: sub }, label: path.join('/') }));
    return out;
  };

  for (const root of nodes) {
    if (done.has(key(root))) continue;
    // Iterative depth-first search: `path` holds the nodes being visited and the edges into them.
    const path: { node: SchemaNode; via?: Edge; next: Edge[] }[] = [{ node: root, next: edges(root) }];
    const onPath = new Map<string, number>([[key(root), 0]]);
    while (path.length > 0) {
      const top = path[path.length - 1]!;
      const edge = top.next.shift();
      if (edge === undefined) {
        path.pop();
        onPath.delete(key(top.node));
        done.add(key(top.node));
        continue;
      }
      const k = key(edge.to);
      const at = onPath.get(k);
      if (at !== undefined) {
        const loop = [...path.slice(at + 1).map((p) => p.via!), edge];
        const keys = new Set(path.slice(at).map((p) => key(p.node)));
        const id = [...keys].sort().join('|');
        const first = loop.find((e) => e.ref !== undefined)?.ref;
        if (first !== undefined && !found.has(id)) {
          found.add(id);
          cycles.push({ ...first, keys, path: [path[at]!.node.pointer === '' ? '#' : `#${path[at]!.node.pointer}`, ...loop.map((e) => e.label)] });
        }
        continue;
      }
      if (done.has(k)) continue;
      onPath.set(k, path.length);
      path.push({ node: edge.to, via: edge, next: edges(edge.to) });
    }
  }
  return cycles;
}
