// Local `$ref` resolution for payload schemas, shared by validate, generate and check-compat.
//
//   #/definitions/Money          -> the catalog document (a payload written inside the catalog)
//   #/$defs/X, #/definitions/X   -> inside a schema file, that same file
//   ./schemas/x.json             -> a file relative to the referring file (JSON or YAML)
//   ./common.yaml#/Money         -> a place inside such a file
//
// Nothing is ever fetched over the network; absolute paths and URLs are refused. Resolution is
// recursion-safe: recursive schemas are fine, pure `$ref` cycles are reported.

import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { DiagnosticCode } from '../core/diagnostics.js';
import type { JsonSchema } from '../model/types.js';
import { getAtPointer, parsePointer, toPointer } from '../loader/json-pointer.js';
import { copySchemaShallow, forEachSubschema, isSchemaObject, mapSchema, mayApplyInPlace } from './walk.js';
import { inPlaceCycles, type SchemaNode } from './in-place-cycles.js';
import { closest } from './suggest.js';
import { defName, isDraft07, isInside, isRefOnly, uniqueName } from './ref-support.js';

// Split off (ref-support.ts) and re-exported here, where their users import them from.
export { isDraft07, isInside, refProblemsToDiagnostics } from './ref-support.js';

/** A place in a parsed document: absolute file and JSON pointer. */
export interface SchemaLocation {
  readonly file: string;
  readonly pointer: string;
}

export interface RefTarget extends SchemaLocation {
  readonly schema: unknown;
}

export type RefResolution =
  | { readonly ok: true; readonly target: RefTarget }
  | {
      readonly ok: false;
      readonly code: DiagnosticCode;
      readonly message: string;
      readonly hint?: string;
      /** For a chain too long: every `file#pointer` on it (each is reported once, at its start). */
      readonly chain?: readonly string[];
      /** For E_REF_CYCLE: `file#pointer` of every `{ $ref }` schema on the cycle. */
      readonly cycle?: ReadonlySet<string>;
    };

/** A `$ref` that could not be resolved, located at the `$ref` keyword that names it. */
export interface RefProblem extends SchemaLocation {
  readonly ref: string;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly hint?: string;
  /** For E_REF_CYCLE: the `{ $ref }` schemas on the cycle (see RefResolution). */
  readonly cycle?: ReadonlySet<string>;
}

export type LoadedFile = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

export interface RefResolverOptions {
  /** Absolute path of the catalog file. */
  readonly catalogFile: string;
  /** The catalog's parsed document (what `#/...` in a catalog payload resolves against). */
  readonly catalogDocument: unknown;
  /** Reads and parses a referenced file (absolute path). Called at most once per file. */
  readonly loadFile: (absPath: string) => LoadedFile;
  /**
   * The folder referenced files must stay inside (absolute), and how to name it in messages
   * ("the catalog's folder"): a `$ref` such as `../../etc/passwd` is refused, not read.
   */
  readonly root?: { readonly dir: string; readonly label: string };
}

/** Longest chain of `{ $ref }`-only schemas followed before giving up (a longer one is refused). */
const MAX_CHAIN = 64;

export class RefResolver {
  private readonly files = new Map<string, LoadedFile>();
  /** Answers by `fromFile` and `$ref`: a catalog repeats the same few refs thousands of times. */
  private readonly resolved = new Map<string, RefResolution>();
  /** Schemas on a chain already reported as too long: one report per chain, not one per link. */
  private readonly onReportedChain = new Set<string>();

  constructor(private readonly options: RefResolverOptions) {
    this.files.set(resolve(options.catalogFile), { ok: true, value: options.catalogDocument });
  }

  get catalogFile(): string {
    return resolve(this.options.catalogFile);
  }

  /** Resolves one `$ref` written in `fromFile`. Does not follow the target's own `$ref`. */
  resolveRef(ref: string, fromFile: string): RefResolution {
    const key = `${fromFile}\u0000${ref}`;
    let res = this.resolved.get(key);
    if (res === undefined) {
      res = this.resolveUncached(ref, fromFile);
      this.resolved.set(key, res);
    }
    return res;
  }

  private resolveUncached(ref: string, fromFile: string): RefResolution {
    const hashAt = ref.indexOf('#');
    const filePart = hashAt === -1 ? ref : ref.slice(0, hashAt);
    const fragment = hashAt === -1 ? '' : ref.slice(hashAt);

    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(filePart)) {
      return {
        ok: false,
        code: 'E_REMOTE_REF',
        message: `$ref "${ref}" points outside the project: edasaga resolves references locally and never fetches them`,
        hint: 'copy the schema into a file beside the catalog and reference it as ./name.json',
      };
    }
    if (filePart !== '' && (isAbsolute(filePart) || filePart.startsWith('\\'))) {
      return {
        ok: false,
        code: 'E_UNRESOLVED_REF',
        message: `$ref "${ref}" uses an absolute path; references to files must be relative to the file that contains them`,
      };
    }
    if (fragment !== '' && fragment !== '#' && !fragment.startsWith('#/')) {
      return {
        ok: false,
        code: 'E_UNRESOLVED_REF',
        message: `$ref "${ref}" uses an anchor; edasaga resolves only JSON pointers`,
        hint: 'write it as a pointer, e.g. "#/definitions/Name"',
      };
    }

    let targetFile = resolve(fromFile);
    if (filePart !== '') {
      let decoded: string;
      try {
        decoded = decodeURI(filePart);
      } catch {
        return { ok: false, code: 'E_UNRESOLVED_REF', message: `$ref "${ref}" is not a valid URI reference` };
      }
      targetFile = resolve(dirname(resolve(fromFile)), decoded);
      const root = this.options.root;
      if (root && !isInside(root.dir, targetFile)) {
        return {
          ok: false,
          code: 'E_REF_OUTSIDE_PROJECT',
          message: `$ref "${ref}" leaves ${root.label}: edasaga reads referenced schema files only from inside it`,
          hint: `move the schema into ${root.label} and reference it from there`,
        };
      }
    }
    const loaded = this.load(targetFile);
    if (!loaded.ok) {
      return { ok: false, code: 'E_UNRESOLVED_REF', message: `cannot resolve $ref "${ref}": ${loaded.reason}` };
    }
    const segments = parsePointer(fragment);
    if (!segments) return { ok: false, code: 'E_UNRESOLVED_REF', message: `$ref "${ref}" has an invalid JSON pointer` };
    const found = getAtPointer(loaded.value, segments);
    if (!found.found) {
      return {
        ok: false,
        code: 'E_UNRESOLVED_REF',
        message: `cannot resolve $ref "${ref}": ${filePart === '' ? 'this document' : filePart} has nothing at "${fragment.slice(1) || '/'}"`,
        ...suggestFor(loaded.value, segments, ref),
      };
    }
    if (!isSchemaObject(found.value) && typeof found.value !== 'boolean') {
      return { ok: false, code: 'E_UNRESOLVED_REF', message: `$ref "${ref}" points at something that is not a schema` };
    }
    return { ok: true, target: { file: targetFile, pointer: toPointer(segments), schema: found.value } };
  }

  /**
   * Resolves a `$ref` and then any `$ref` the target consists of (`{ $ref: ... }` alone), so the
   * caller gets a real schema. Reports a cycle when the chain comes back to itself.
   */
  resolveChain(ref: string, fromFile: string): RefResolution {
    const seen: string[] = [];
    let res = this.resolveRef(ref, fromFile);
    for (let i = 0; res.ok; i++) {
      const key = `${res.target.file}#${res.target.pointer}`;
      const again = seen.indexOf(key);
      if (again !== -1) {
        const loop = [...seen.slice(again), key].map((k) => shortKey(k, fromFile)).join(' -> ');
        return { ok: false, code: 'E_REF_CYCLE', message: `$ref "${ref}" is a cycle of references that never reaches a schema (${loop})`, cycle: new Set(seen.slice(again)) };
      }
      seen.push(key);
      const s = res.target.schema;
      if (!isSchemaObject(s) || typeof s['$ref'] !== 'string' || !isRefOnly(s)) return res;
      if (i === MAX_CHAIN) {
        return {
          ok: false,
          code: 'E_NESTING_TOO_DEEP',
          message: `$ref "${ref}" starts a chain of more than ${MAX_CHAIN} schemas that are only references to the next one`,
          chain: [...seen, ...this.restOfChain(s['$ref'], res.target.file, seen)],
        };
      }
      res = this.resolveRef(s['$ref'], res.target.file);
    }
    return res;
  }

  private leadsOntoReportedChain(ref: string, file: string): boolean {
    if (this.onReportedChain.size === 0) return false;
    const first = this.resolveRef(ref, file);
    return first.ok && this.onReportedChain.has(`${first.target.file}#${first.target.pointer}`);
  }

  /** The `{ $ref }`-only schemas a chain goes on through, to its end or back to itself. */
  private restOfChain(ref: string, fromFile: string, seen: Iterable<string>): string[] {
    const out: string[] = [];
    const all = new Set(seen);
    for (let res = this.resolveRef(ref, fromFile); res.ok; ) {
      const key = `${res.target.file}#${res.target.pointer}`;
      if (all.has(key)) break;
      all.add(key);
      out.push(key);
      const s = res.target.schema;
      if (!isSchemaObject(s) || typeof s['$ref'] !== 'string' || !isRefOnly(s)) break;
      res = this.resolveRef(s['$ref'], res.target.file);
    }
    return out;
  }

  /**
   * Finds every `$ref` in a schema and in everything it references (each target once), and
   * returns those that do not resolve. `visitTarget` sees each referenced schema once.
   */
  checkRefs(schema: unknown, at: SchemaLocation, visitTarget?: (target: RefTarget) => void): RefProblem[] {
    const problems: RefProblem[] = [];
    const visited = new Set<string>([`${resolve(at.file)}#${at.pointer}`]);
    /** Schemas that may be on an in-place cycle (they have a `$ref` or an in-place applicator). */
    const cycleCandidates: SchemaNode[] = [];
    // An explicit stack, not recursion: a chain of thousands of definitions, each referencing the
    // next, is one path through the reference graph. Visited in the order recursion would take.
    const stack: { node: unknown; file: string; pointer: string }[] = [{ node: schema, file: resolve(at.file), pointer: at.pointer }];
    while (stack.length > 0) {
      const { node, file, pointer } = stack.pop()!;
      if (!isSchemaObject(node)) continue;
      if (mayApplyInPlace(node)) cycleCandidates.push({ file, pointer, schema: node });
      const next: { node: unknown; file: string; pointer: string }[] = [];
      const ref = node['$ref'];
      // A `$ref` on (or onto) a chain of references already reported as too long was reported where the chain starts.
      const reportedChain = this.onReportedChain.has(`${file}#${pointer}`) || (typeof ref === 'string' && this.leadsOntoReportedChain(ref, file));
      if (ref !== undefined && !reportedChain) {
        const refPointer = pointer + '/$ref';
        if (typeof ref !== 'string') {
          problems.push({ file, pointer: refPointer, ref: String(ref), code: 'E_UNRESOLVED_REF', message: '$ref must be a string' });
        } else {
          const res = this.resolveChain(ref, file);
          if (!res.ok && res.cycle !== undefined && !res.cycle.has(`${file}#${pointer}`)) {
            // A `$ref` that leads into a cycle without being part of it is not the mistake: the
            // cycle is reported at its own `$ref`s, found by walking on into it.
            const first = this.resolveRef(ref, file);
            const key = first.ok ? `${first.target.file}#${first.target.pointer}` : undefined;
            if (first.ok && key !== undefined && !visited.has(key)) {
              visited.add(key);
              next.push({ node: first.target.schema, file: first.target.file, pointer: first.target.pointer });
            }
          } else if (!res.ok) {
            problems.push({ file, pointer: refPointer, ref, code: res.code, message: res.message, ...(res.hint ? { hint: res.hint } : {}), ...(res.cycle ? { cycle: res.cycle } : {}) });
            if (res.chain) for (const key of [`${file}#${pointer}`, ...res.chain]) this.onReportedChain.add(key);
          } else {
            // Walk the first hop too: intermediate `{ $ref }` nodes are part of the chain just checked.
            const first = this.resolveRef(ref, file);
            const target = first.ok ? first.target : res.target;
            const key = `${target.file}#${target.pointer}`;
            if (!visited.has(key)) {
              visited.add(key);
              visitTarget?.(target);
              next.push({ node: target.schema, file: target.file, pointer: target.pointer });
            }
          }
        }
      }
      forEachSubschema(node, (sub, path) => next.push({ node: sub, file, pointer: pointer + toPointer(path) }));
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
    }
    // Cycles through allOf/anyOf/oneOf/not as well as through `$ref` alone (in-place-cycles.ts); a
    // pure `$ref` cycle was reported above already.
    const reported = new Set(problems.flatMap((p) => (p.cycle ? [[...p.cycle].sort().join('|')] : [])));
    const target = (ref: string, file: string): SchemaNode | undefined => {
      const res = this.resolveRef(ref, file);
      return res.ok ? res.target : undefined;
    };
    for (const cycle of inPlaceCycles(cycleCandidates, target)) {
      if (reported.has([...cycle.keys].sort().join('|'))) continue;
      problems.push({
        file: cycle.file,
        pointer: `${cycle.pointer}/$ref`,
        ref: cycle.ref,
        code: 'E_REF_CYCLE',
        message: `$ref "${cycle.ref}" makes a schema apply itself to the same value (${cycle.path.join(' -> ')}): it never reaches a part of the value, and validating it would never end`,
        hint: 'a recursive schema must recurse through properties or items',
        cycle: cycle.keys,
      });
    }
    // One mistake, one error: a cycle is reported once (at the first of its `$ref`s met), and a
    // place reached twice (through a `$ref` and as a definition) once.
    const seen = new Set<string>();
    return problems.filter((p) => {
      const key = p.cycle !== undefined ? `cycle:${[...p.cycle].sort().join('|')}` : `${p.file}#${p.pointer}:${p.code}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  /**
   * A self-contained copy of a payload schema: every referenced schema copied under `$defs`
   * (`definitions` for draft-07) with its `$ref`s rewritten to point there. For ajv standalone
   * compilation and for comparing schemas without caring where definitions live.
   */
  bundle(schema: JsonSchema, at: SchemaLocation): { schema: JsonSchema; problems: RefProblem[] } {
    const problems = this.checkRefs(schema, at);
    if (typeof schema === 'boolean' || problems.length > 0) return { schema, problems };
    const draft07 = isDraft07(schema);
    const defsKey = draft07 ? 'definitions' : '$defs';
    const rootKey = `${resolve(at.file)}#${at.pointer}`;
    const names = new Map<string, string>([[rootKey, '#']]);
    const existing = schema[defsKey];
    const used = new Set<string>(isSchemaObject(existing) ? Object.keys(existing) : []);
    const defs: Record<string, unknown> = {};

    const convert = (node: unknown, file: string): unknown =>
      mapSchema(node, (obj, recurse) => {
        const copy = copySchemaShallow(obj, recurse);
        const ref = obj['$ref'];
        if (typeof ref === 'string') {
          const res = this.resolveRef(ref, file);
          if (res.ok) copy['$ref'] = refTo(res.target);
        }
        return copy;
      });

    const refTo = (target: RefTarget): string => {
      const key = `${target.file}#${target.pointer}`;
      let name = names.get(key);
      if (name === '#') return '#';
      if (name === undefined) {
        name = uniqueName(defName(target), used);
        names.set(key, name);
        defs[name] = true; // placeholder: recursive references find the name while converting
        const copy = convert(target.schema, target.file);
        // A copied `$id` would become a new base URI for the refs inside it, and `$schema` is only
        // allowed at the root: both are dropped from copies.
        if (isSchemaObject(copy)) {
          delete copy['$id'];
          delete copy['$schema'];
        }
        defs[name] = copy;
      }
      return `#/${defsKey}/${name}`;
    };

    const out = convert(schema, resolve(at.file)) as Record<string, unknown>;
    if (Object.keys(defs).length > 0) {
      const merged = isSchemaObject(out[defsKey]) ? { ...(out[defsKey] as Record<string, unknown>) } : {};
      Object.assign(merged, defs);
      out[defsKey] = merged;
    }
    return { schema: out, problems };
  }

  private load(absPath: string): LoadedFile {
    let f = this.files.get(absPath);
    if (!f) {
      f = this.options.loadFile(absPath);
      this.files.set(absPath, f);
    }
    return f;
  }
}

function suggestFor(doc: unknown, segments: readonly string[], ref: string): { hint?: string } {
  // Suggest a sibling name when the last step of the pointer is a near miss (#/definitions/Mony).
  const parent = getAtPointer(doc, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  if (!parent.found || !isSchemaObject(parent.value) || last === undefined) return {};
  const best = closest(last, Object.keys(parent.value));
  if (!best) return {};
  return { hint: `did you mean "${ref.slice(0, ref.length - encodeLast(last).length)}${best}"?` };
}

function encodeLast(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}


/** `file#pointer` as a reader would write it from `fromFile`: `#/definitions/A`, or `other.json#/A`. */
function shortKey(key: string, fromFile: string): string {
  const hash = key.indexOf('#');
  const file = key.slice(0, hash);
  const pointer = key.slice(hash + 1);
  return `${file === resolve(fromFile) ? '' : basename(file)}#${pointer}`;
}
