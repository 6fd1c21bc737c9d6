// The correlation key travels in every message of a saga or choreography, in every version.
// Missing from every one, the key itself is the mistake (a typo): one error where it is written,
// with the property it most likely meant. Missing from some, each of those messages is.
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import type { RefResolver } from '../schema/refs.js';
import { didYouMean } from '../schema/suggest.js';
import type { CatalogFacts } from './catalog-rules.js';
import { payloadShape } from './payload-rules.js';

type At = (segments: (string | number)[], code: DiagnosticCode, message: string, hint?: string) => Diagnostic;

/**
 * `used`: every message the declaration names, with the path (below the `saga:`/`choreography:`
 * section) of its first mention.
 */
export function correlationKeyDiagnostics(
  key: string,
  used: ReadonlyMap<string, (string | number)[]>,
  label: string,
  ctx: { readonly catalog: CatalogFacts; readonly resolver: RefResolver },
  at: At,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { messages } = ctx.catalog;
  const shapes = [...used].flatMap(([name, segments]) => {
    const m = messages.get(name);
    if (!m) return [];
    const properties = m.versions.map((v) => payloadShape(v.payload, { file: ctx.catalog.file, pointer: v.pointer }, ctx.resolver).properties);
    return [{ name, segments, versions: m.versions, properties }];
  });
  const lacking = shapes.filter((s) => s.properties.some((p) => !p.has(key)));
  const nowhere = shapes.length > 0 && shapes.every((s) => s.properties.every((p) => !p.has(key)));
  if (nowhere) {
    // Properties every message has in every version are what a correlation key can be.
    const everywhere = shapes.flatMap((s) => s.properties).reduce<Set<string> | undefined>((common, p) => (common === undefined ? new Set(p) : new Set([...common].filter((x) => p.has(x)))), undefined);
    const candidates = [...(everywhere ?? [])];
    out.push(
      at(['correlationKey'], 'E_CORRELATION_KEY', `correlation key "${key}" of ${label} is not a payload property of ${shapes.length === 1 ? `its message "${shapes[0]!.name}"` : `any of its ${shapes.length} messages`}`,
        didYouMean(key, candidates).hint ?? (candidates.length > 0 ? `properties all of them have: ${candidates.slice(0, 8).join(', ')}` : `add "${key}" to the payload properties of every message of ${label}`)),
    );
    return out;
  }
  for (const s of lacking) {
    const missing = s.versions.filter((_, i) => !s.properties[i]!.has(key));
    const which = missing.length === s.versions.length ? 'the payload' : `the payload of version${missing.length > 1 ? 's' : ''} ${missing.map((v) => v.version).join(', ')}`;
    out.push(at(s.segments, 'E_CORRELATION_KEY', `correlation key "${key}" of ${label} is missing from ${which} of message "${s.name}"`, `add "${key}" to the payload properties of "${s.name}"`));
  }
  return out;
}
