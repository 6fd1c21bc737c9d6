// Rules over the catalog and all its sagas together: saga names are unique and differ from message
// names, and nothing the project names generates a TypeScript name that something else generates
// too (src/names/generated.ts). Each finding is reported once, at the name that makes it.

import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { toPointer } from '../loader/json-pointer.js';
import type { ParsedSource } from '../loader/parse-yaml.js';
import type { SourceIndex } from '../loader/source-index.js';
import { nameClashes, type NamedThing } from '../names/generated.js';
import { nameCollisions, nameProblem } from '../names/rules.js';
import type { CatalogFacts } from './catalog-rules.js';
import { asRecord, entries, str } from './data.js';

interface Located {
  readonly thing: NamedThing;
  readonly file: string;
  readonly pointer: string;
  readonly target: 'key' | 'value';
}

export function projectRules(catalog: ParsedSource | undefined, facts: CatalogFacts | undefined, sagas: readonly ParsedSource[], sources: SourceIndex): Diagnostic[] {
  const located: Located[] = [];
  if (catalog && facts) {
    const root = asRecord(catalog.value);
    for (const m of facts.messages.values()) {
      located.push({ thing: { kind: 'message', name: m.name, versions: m.versions.map((v) => v.version) }, file: catalog.file, pointer: toPointer(['messages', m.name]), target: 'key' });
    }
    for (const [name] of entries(root?.['definitions'])) located.push({ thing: { kind: 'definition', name }, file: catalog.file, pointer: toPointer(['definitions', name]), target: 'key' });
    for (const name of facts.services) located.push({ thing: { kind: 'service', name }, file: catalog.file, pointer: toPointer(['services', name]), target: 'key' });
  }
  for (const s of sagas) {
    // A choreography's name shares the sagas' namespace (one docs page, one API entry per name).
    const section = asRecord(s.value)?.['saga'] !== undefined ? 'saga' : 'choreography';
    const name = str(asRecord(asRecord(s.value)?.[section])?.['name']);
    if (name !== undefined) located.push({ thing: { kind: 'saga', name }, file: s.file, pointer: `/${section}/name`, target: 'value' });
  }
  const where = new Map(located.map((l) => [l.thing, l]));
  // Located only when reported: locating builds a syntax tree the clean case never needs.
  const at = (thing: NamedThing, code: DiagnosticCode, message: string): Diagnostic => {
    const l = where.get(thing)!;
    return { code, severity: 'error', message, file: l.file, ...(sources.span(l.file, l.pointer, l.target) ?? {}) };
  };

  const out: Diagnostic[] = [];
  // Catalog names among themselves are the catalog rules' (catalog-rules.ts); sagas are checked here.
  for (const { thing, other } of nameCollisions(located.map((l) => l.thing))) {
    if (thing.kind !== 'saga') continue;
    out.push(
      other.kind === 'saga'
        ? at(thing, 'E_DUPLICATE_NAME', `saga "${thing.name}" is also defined in ${where.get(other)!.file}`)
        : at(thing, 'E_DUPLICATE_NAME', `saga "${thing.name}" has the same name as message "${other.name}": they would generate the same class`),
    );
  }
  if (out.length > 0) return out;
  // A name that breaks the name rules is reported as such, not again as a clash.
  const valid = located.filter((l) => nameProblem(l.thing.kind, l.thing.name) === undefined).map((l) => l.thing);
  for (const clash of nameClashes(valid)) out.push(at(clash.thing, 'E_DUPLICATE_NAME', clash.message));
  return out;
}
