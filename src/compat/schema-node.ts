// Turns a JSON Schema as written into the shape the comparator reasons about.
//
// A schema object can carry constraints of several kinds at once (`type: string` plus `enum`, a
// `type` array, `$ref` with sibling keywords, `oneOf` next to `properties`). Each kind becomes a
// *facet*; a schema with more than one facet is an implicit `allOf` of them, and a `type` array
// is an implicit `anyOf` of one facet per type. Comparing facet by facet (with order-independent
// branch matching) is what lets `{type: string, enum: [a]}` -> `{type: string}` read as "the enum
// was dropped" rather than "the schema changed shape".

import type { DiagnosticCode } from '../core/diagnostics.js';

export type JsonObject = Readonly<Record<string, unknown>>;

/** What the engine needs from a `$ref` resolver (src/schema/refs.ts RefResolver fits it). */
export interface SchemaRefResolver {
  resolveRef(
    ref: string,
    fromFile: string,
  ):
    | { readonly ok: true; readonly target: { readonly file: string; readonly pointer: string; readonly schema: unknown } }
    | { readonly ok: false; readonly code: DiagnosticCode; readonly message: string };
}

/** Where a schema was found: its file (for relative refs) and the resolver that reads refs. */
export interface SchemaScope {
  readonly file: string;
  readonly resolver: SchemaRefResolver;
}

export type TypeName = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
export type Criterion = 'allOf' | 'anyOf' | 'oneOf';

interface NodeBase {
  readonly id: number;
  /** The raw schema object this node (or facet) was read from. */
  readonly raw: JsonObject | boolean;
  readonly scope: SchemaScope;
  /** True for the node that stands for a whole schema object (annotations are compared there). */
  readonly whole: boolean;
}

export type Node =
  | (NodeBase & { readonly k: 'any' })
  | (NodeBase & { readonly k: 'none' })
  | (NodeBase & {
      readonly k: 'typed';
      readonly t: TypeName;
      /** `type: integer` (t is 'number'). */
      readonly integer: boolean;
      /** Declared with `type`; false when only inferred from keywords (then it constrains that type only). */
      readonly explicit: boolean;
      readonly raw: JsonObject;
    })
  | (NodeBase & { readonly k: 'enum'; readonly values: readonly unknown[]; readonly raw: JsonObject })
  | (NodeBase & { readonly k: 'const'; readonly value: unknown; readonly raw: JsonObject })
  | (NodeBase & { readonly k: 'not'; readonly inner: unknown; readonly raw: JsonObject })
  | (NodeBase & {
      readonly k: 'comb';
      readonly crit: Criterion;
      /** Read lazily: a branch may refer back to the schema that holds it. */
      readonly branches: () => readonly Branch[];
      /** 'facets' and 'types' combinations come from one schema object; 'written' from a keyword. */
      readonly origin: 'written' | 'facets' | 'types';
    });

export interface Branch {
  readonly node: Node;
  /** Path segments from the combined schema to this branch (empty for implicit facets). */
  readonly seg: readonly string[];
}

export type NodeOf<K extends Node['k']> = Extract<Node, { k: K }>;

/** Problems met while reading or comparing schemas (`$ref`s, depth); reported as invalid input. */
export interface ReadProblem {
  readonly file: string;
  /** JSON pointer of the place in `file`, when known. */
  readonly pointer?: string;
  readonly ref: string;
  /** The diagnostic code, the same as validation gives for the same problem. */
  readonly code: DiagnosticCode;
  readonly message: string;
}

/** Longest chain of `{ $ref }`-only schemas read (src/schema/refs.ts refuses longer ones too). */
const MAX_REF_CHAIN = 64;

const ANNOTATIONS = new Set([
  'title',
  'description',
  'default',
  'examples',
  '$comment',
  '$id',
  'id',
  '$schema',
  '$anchor',
  '$dynamicAnchor',
  'definitions',
  '$defs',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$vocabulary',
  'contentMediaType',
  'contentEncoding',
  'x-edasaga',
]);

const TYPE_KEYWORDS: Readonly<Record<TypeName, readonly string[]>> = {
  string: ['minLength', 'maxLength', 'pattern', 'format'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  boolean: [],
  null: [],
  object: [
    'properties',
    'required',
    'additionalProperties',
    'patternProperties',
    'unevaluatedProperties',
    'dependencies',
    'dependentRequired',
    'dependentSchemas',
    'minProperties',
    'maxProperties',
    'propertyNames',
  ],
  array: [
    'items',
    'prefixItems',
    'additionalItems',
    'unevaluatedItems',
    'minItems',
    'maxItems',
    'uniqueItems',
    'contains',
    'minContains',
    'maxContains',
  ],
};
const TYPE_ORDER: readonly TypeName[] = ['object', 'array', 'string', 'number', 'boolean', 'null'];

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads schemas into nodes, once per schema object. */
export class NodeReader {
  private nextId = 1;
  private readonly cache = new WeakMap<object, Node>();
  private readonly withoutRef = new WeakMap<object, JsonObject>();
  /** Where the schemas that `$ref`s lead to are written. */
  private readonly locations = new WeakMap<Node, { readonly file: string; readonly pointer: string }>();
  readonly problems: ReadProblem[] = [];

  /** The file and JSON pointer a node was read from, for nodes a `$ref` led to. */
  locationOf(n: Node): { readonly file: string; readonly pointer: string } | undefined {
    return this.locations.get(n);
  }

  read(raw: unknown, scope: SchemaScope): Node {
    if (raw === true || raw === undefined) return this.make({ k: 'any', raw: true, scope, whole: true });
    if (raw === false) return this.make({ k: 'none', raw: false, scope, whole: true });
    if (!isObject(raw)) return this.make({ k: 'any', raw: true, scope, whole: true });
    const hit = this.cache.get(raw);
    if (hit && hit.scope.file === scope.file && hit.scope.resolver === scope.resolver) return hit;
    const node = this.build(raw, scope, new Set());
    this.cache.set(raw, node);
    return node;
  }

  private make<N extends Omit<Node, 'id'>>(n: N): Node {
    return { ...n, id: this.nextId++ } as unknown as Node;
  }

  private build(raw: JsonObject, scope: SchemaScope, chain: Set<string>): Node {
    const ref = raw['$ref'];
    if (typeof ref === 'string') return this.buildRef(raw, ref, scope, chain);

    const facets: Branch[] = [];
    const typed = this.typedFacet(raw, scope);
    if (typed) facets.push({ node: typed, seg: [] });
    if ('enum' in raw && Array.isArray(raw['enum'])) {
      facets.push({ node: this.make({ k: 'enum', values: raw['enum'] as unknown[], raw, scope, whole: false }), seg: [] });
    }
    if ('const' in raw) facets.push({ node: this.make({ k: 'const', value: raw['const'], raw, scope, whole: false }), seg: [] });
    if ('not' in raw) facets.push({ node: this.make({ k: 'not', inner: raw['not'], raw, scope, whole: false }), seg: [] });
    for (const crit of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = raw[crit];
      if (!Array.isArray(list)) continue;
      let branches: Branch[] | undefined;
      const read = (): readonly Branch[] => (branches ??= list.map((b, i) => ({ node: this.read(b, scope), seg: [crit, String(i)] })));
      facets.push({ node: this.make({ k: 'comb', crit, branches: read, origin: 'written', raw, scope, whole: false }), seg: [] });
    }

    if (facets.length === 0) return this.make({ k: 'any', raw, scope, whole: true });
    if (facets.length === 1) return { ...(facets[0] as Branch).node, whole: true };
    return this.make({ k: 'comb', crit: 'allOf', branches: () => facets, origin: 'facets', raw, scope, whole: true });
  }

  private buildRef(raw: JsonObject, ref: string, scope: SchemaScope, chain: Set<string>): Node {
    const res = scope.resolver.resolveRef(ref, scope.file);
    let target: Node;
    if (!res.ok) {
      this.problems.push({ file: scope.file, ref, code: res.code, message: res.message });
      target = this.make({ k: 'any', raw: true, scope, whole: true });
    } else {
      const key = `${res.target.file}#${res.target.pointer}`;
      const targetScope = { file: res.target.file, resolver: scope.resolver };
      const t = res.target.schema;
      if (chain.has(key)) {
        this.problems.push({ file: scope.file, ref, code: 'E_REF_CYCLE', message: `$ref "${ref}" is a cycle of references that never reaches a schema` });
        target = this.make({ k: 'any', raw: true, scope, whole: true });
      } else if (chain.size >= MAX_REF_CHAIN) {
        const message = `$ref "${ref}" ends a chain of more than ${MAX_REF_CHAIN} schemas that are only references to the next one`;
        this.problems.push({ file: scope.file, ref, code: 'E_NESTING_TOO_DEEP', message });
        target = this.make({ k: 'any', raw: true, scope, whole: true });
      } else if (isObject(t) && !this.cache.has(t) && typeof t['$ref'] === 'string') {
        chain.add(key);
        target = this.build(t, targetScope, chain);
        this.cache.set(t, target);
      } else {
        target = this.read(t, targetScope);
      }
      if (!this.locations.has(target)) this.locations.set(target, { file: res.target.file, pointer: res.target.pointer });
    }
    // Keywords next to `$ref` apply too (2020-12; draft-07 tools vary): treat them as an allOf.
    const siblings = this.siblingsOf(raw);
    if (!siblings) return target;
    const rest = this.read(siblings, scope);
    return this.make({
      k: 'comb',
      crit: 'allOf',
      branches: () => [
        { node: target, seg: [] },
        { node: rest, seg: [] },
      ],
      origin: 'facets',
      raw,
      scope,
      whole: true,
    });
  }

  private siblingsOf(raw: JsonObject): JsonObject | undefined {
    const hit = this.withoutRef.get(raw);
    if (hit) return hit;
    const rest: Record<string, unknown> = {};
    let validating = false;
    for (const [k, v] of Object.entries(raw)) {
      if (k === '$ref') continue;
      rest[k] = v;
      if (!ANNOTATIONS.has(k)) validating = true;
    }
    if (!validating) return undefined;
    this.withoutRef.set(raw, rest);
    return rest;
  }

  private typedFacet(raw: JsonObject, scope: SchemaScope): Node | undefined {
    const type = raw['type'];
    const declared: string[] = typeof type === 'string' ? [type] : Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
    if (declared.length > 0) {
      const seen = new Set<string>();
      const facets: Branch[] = [];
      for (const t of declared) {
        const name: TypeName | undefined = t === 'integer' ? 'number' : (TYPE_ORDER as readonly string[]).includes(t) ? (t as TypeName) : undefined;
        if (!name || seen.has(t)) continue;
        seen.add(t);
        facets.push({ node: this.make({ k: 'typed', t: name, integer: t === 'integer', explicit: true, raw, scope, whole: false }), seg: [] });
      }
      if (facets.length === 1) return (facets[0] as Branch).node;
      if (facets.length > 1) return this.make({ k: 'comb', crit: 'anyOf', branches: () => facets, origin: 'types', raw, scope, whole: false });
      return undefined;
    }
    // No `type`: keywords of a type constrain values of that type only.
    const implied = TYPE_ORDER.filter((t) => TYPE_KEYWORDS[t].some((k) => k in raw));
    const facets = implied.map((t) => ({
      node: this.make({ k: 'typed', t, integer: false, explicit: false, raw, scope, whole: false }),
      seg: [] as string[],
    }));
    if (facets.length === 0) return undefined;
    if (facets.length === 1) return (facets[0] as Branch).node;
    return this.make({ k: 'comb', crit: 'allOf', branches: () => facets, origin: 'facets', raw, scope, whole: false });
  }
}

/** A node that accepts every value (an empty schema, `true`, or annotations only). */
export function acceptsAll(n: Node): boolean {
  return n.k === 'any';
}

/** Label for a typed facet, e.g. `integer`, `string`. */
export function typeLabel(n: Node): string {
  switch (n.k) {
    case 'typed':
      return n.integer ? 'integer' : n.t;
    case 'enum':
      return 'enum';
    case 'const':
      return 'const';
    case 'not':
      return 'not';
    case 'comb':
      return n.origin === 'types' ? n.branches().map((b) => typeLabel(b.node)).join(' | ') : n.crit;
    case 'any':
      return 'any value';
    case 'none':
      return 'nothing';
  }
}
