// Semantic rules of the catalog beyond its JSON Schema: names that can become identifiers and
// files, references to services and messages that resolve, versions numbered 1..n, valid payload
// schemas with their ordering key, subscriptions to things that exist.

import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { toPointer } from '../loader/json-pointer.js';
import type { SourceIndex } from '../loader/source-index.js';
import type { RefResolver } from '../schema/refs.js';
import { didYouMean } from '../schema/suggest.js';
import { asRecord, entries, list, str } from './data.js';
import { nameCollisions, nameProblem } from '../names/rules.js';
import { PayloadChecker, payloadShape } from './payload-rules.js';

export interface CatalogFacts {
  readonly file: string;
  readonly services: ReadonlySet<string>;
  readonly messages: ReadonlyMap<string, MessageFacts>;
}

export interface MessageFacts {
  readonly name: string;
  readonly kind: string | undefined;
  readonly service: string | undefined;
  /** The deprecation reason, when the message is deprecated. */
  readonly deprecated: string | undefined;
  /** Payloads of the well-numbered versions, with their pointers. */
  readonly versions: readonly { version: number; payload: unknown; pointer: string }[];
}

export interface RuleContext {
  readonly file: string;
  readonly index: SourceIndex;
  readonly resolver: RefResolver;
  readonly payloads: PayloadChecker;
}

export function catalogFacts(file: string, doc: unknown): CatalogFacts {
  const root = asRecord(doc);
  const services = new Set(entries(root?.['services']).map(([k]) => k));
  const messages = new Map<string, MessageFacts>();
  for (const [name, raw] of entries(root?.['messages'])) {
    const m = asRecord(raw);
    const versions = entries(m?.['versions'])
      .filter(([k, v]) => /^[1-9][0-9]*$/.test(k) && asRecord(v) !== undefined && 'payload' in asRecord(v)!)
      .map(([k, v]) => ({ version: Number(k), payload: asRecord(v)!['payload'], pointer: toPointer(['messages', name, 'versions', k, 'payload']) }))
      .sort((a, b) => a.version - b.version);
        // An invalid kind is reported by the schema check; treating it as unknown avoids a second report.
    const kind = str(m?.['kind']);
    messages.set(name, { name, kind: kind === 'event' || kind === 'command' || kind === 'reply' ? kind : undefined, service: str(m?.['service']), deprecated: str(asRecord(m?.['deprecated'])?.['reason']), versions });
  }
  return { file, services, messages };
}

export function checkCatalog(doc: unknown, facts: CatalogFacts, ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const root = asRecord(doc);
  const at = (segments: (string | number)[], code: DiagnosticCode, message: string, target: 'key' | 'value' = 'value', hint?: string, severity: 'error' | 'warning' = 'error'): Diagnostic => ({
    code,
    severity,
    message,
    file: ctx.file,
    ...(ctx.index.span(ctx.file, toPointer(segments), target) ?? {}),
    ...(hint ? { hint } : {}),
  });

  // Names, and names that would collide as files or identifiers.
  const sections = { service: 'services', message: 'messages', definition: 'definitions' } as const;
  const named = (['service', 'message', 'definition'] as const).flatMap((kind) => entries(root?.[sections[kind]]).map(([name]) => ({ kind, name })));
  for (const { kind, name } of named) {
    const problem = nameProblem(kind, name);
    if (problem) out.push(at([sections[kind], name], 'E_INVALID_NAME', `${kind} name "${name}" ${problem}`, 'key'));
  }
  for (const { thing, other } of nameCollisions(named)) {
    out.push(at([sections[thing.kind], thing.name], 'E_DUPLICATE_NAME', `${thing.kind} "${thing.name}" collides with "${other.name}": they would generate the same file or identifier`, 'key'));
  }

  const serviceNames = [...facts.services];
  const unknownService = (segments: (string | number)[], name: string, role: string) =>
    at(segments, 'E_UNKNOWN_SERVICE', `${role} "${name}" of message "${String(segments[1])}" is not a service of this catalog`, 'value', didYouMean(name, serviceNames).hint ?? hintList('services', serviceNames));

  // Shared definitions: valid schemas with resolvable refs, even when no payload uses them yet.
  for (const [name, schema] of entries(root?.['definitions'])) {
    out.push(...ctx.payloads.check(schema, { file: ctx.file, pointer: toPointer(['definitions', name]) }, `definition "${name}"`));
  }

  for (const [name, raw] of entries(root?.['messages'])) {
    const m = asRecord(raw);
    if (!m) continue;
    const service = str(m['service']);
    if (service !== undefined && !facts.services.has(service)) out.push(unknownService(['messages', name, 'service'], service, 'service'));

    // Versions: keys 1..n, each exactly once (duplicates are already YAML errors).
    const versionKeys = entries(m['versions']).map(([k]) => k);
    const numbers: number[] = [];
    for (const k of versionKeys) {
      if (!/^[1-9][0-9]*$/.test(k)) {
        out.push(at(['messages', name, 'versions', k], 'E_VERSION_NUMBERING', `version "${k}" of message "${name}" must be a whole number 1, 2, 3, ...`, 'key'));
      } else numbers.push(Number(k));
    }
    const sorted = [...numbers].sort((a, b) => a - b);
    sorted.forEach((n, i) => {
      if (n !== i + 1 && (i === 0 || sorted[i - 1] === i)) {
        const expected = i + 1;
        out.push(
          at(['messages', name, 'versions', String(n)], 'E_VERSION_NUMBERING',
            `versions of message "${name}" must be numbered 1..${sorted.length} without gaps: found ${n} where ${expected} was expected`, 'key',
            expected === 1 ? 'the first version is 1' : `add version ${expected} or renumber`),
        );
      }
    });
    const versionSet = new Set(numbers);

    const deprecated = asRecord(m['deprecated']);
    const since = deprecated?.['since'];
    if (typeof since === 'number' && Number.isInteger(since) && !versionSet.has(since)) {
      out.push(at(['messages', name, 'deprecated', 'since'], 'E_UNKNOWN_VERSION', `message "${name}" has no version ${since} to be deprecated since`));
    }
    list(m['acceptedBreaks']).forEach((b, i) => {
      const v = asRecord(b)?.['version'];
      if (typeof v === 'number' && Number.isInteger(v) && v >= 2 && !versionSet.has(v)) {
        out.push(at(['messages', name, 'acceptedBreaks', i, 'version'], 'E_UNKNOWN_VERSION', `accepted break names version ${v}, but message "${name}" has no version ${v}`));
      }
    });

    // Payloads: valid JSON Schema, refs resolve, the ordering key is a property of every version.
    const key = str(m['key']);
    const missing: number[] = [];
    const optional: number[] = [];
    let known = new Set<string>();
    for (const v of facts.messages.get(name)?.versions ?? []) {
      const where = { file: ctx.file, pointer: v.pointer };
      const problems = ctx.payloads.check(v.payload, where, `the payload of version ${v.version} of message "${name}"`);
      out.push(...problems);
      if (key === undefined || problems.some((d) => d.severity === 'error')) continue;
      const shape = payloadShape(v.payload, where, ctx.resolver);
      known = new Set([...known, ...shape.properties]);
      if (!shape.properties.has(key)) missing.push(v.version);
      else if (!shape.required.has(key)) optional.push(v.version);
    }
    // One finding per message, however many versions share the mistake.
    if (key !== undefined && missing.length > 0) {
      out.push(
        at(['messages', name, 'key'], 'E_ORDERING_KEY',
          `ordering key "${key}" of message "${name}" is not a property of the payload of ${versionsText(missing)}`, 'value',
          didYouMean(key, known).hint ?? `add "${key}" to the payload properties (and required)`),
      );
    }
    if (key !== undefined && optional.length > 0) {
      out.push(
        at(['messages', name, 'key'], 'W_ORDERING_KEY_OPTIONAL',
          `ordering key "${key}" of message "${name}" is optional in ${versionsText(optional)}: messages without it cannot be partitioned`, 'value',
          `add "${key}" to "required"`, 'warning'),
      );
    }
  }

  // Shared definitions nobody uses are usually leftovers of a rename (unless a broken $ref was
  // meant for them: that is reported already).
  const brokenRefs = out.some((d) => d.code === 'E_UNRESOLVED_REF' || d.code === 'E_REF_CYCLE');
  for (const [name] of brokenRefs ? [] : entries(root?.['definitions'])) {
    if (!ctx.payloads.referenced.has(`${ctx.file}#${toPointer(['definitions', name])}`)) {
      out.push(at(['definitions', name], 'W_UNUSED_DEFINITION', `definition "${name}" is not used by any payload`, 'key', 'remove it, or reference it as "#/definitions/' + name + '"', 'warning'));
    }
  }

  // Services that neither produce nor consume anything generate an empty service.
  const active = new Set([...[...facts.messages.values()].map((m) => m.service), ...entries(root?.['subscriptions']).map(([s]) => s)]);
  for (const service of facts.services) {
    if (!active.has(service)) {
      out.push(at(['services', service], 'W_UNUSED_SERVICE', `service "${service}" owns no message and subscribes to nothing`, 'key', undefined, 'warning'));
    }
  }

  // Choreography: who consumes what.
  const messageNames = [...facts.messages.keys()];
  for (const [service, raw] of entries(root?.['subscriptions'])) {
    if (!facts.services.has(service)) {
      out.push(at(['subscriptions', service], 'E_UNKNOWN_SERVICE', `subscriptions are listed for "${service}", which is not a service of this catalog`, 'key',
        didYouMean(service, serviceNames).hint ?? hintList('services', serviceNames)));
    }
    const seen = new Set<string>();
    list(raw).forEach((item, i) => {
      const name = str(item);
      if (name === undefined) return;
      const where = ['subscriptions', service, i];
      if (seen.has(name)) {
        out.push(at(where, 'E_DUPLICATE_NAME', `service "${service}" subscribes to "${name}" twice`));
        return;
      }
      seen.add(name);
      const msg = facts.messages.get(name);
      if (!msg) {
        out.push(at(where, 'E_UNKNOWN_MESSAGE', `service "${service}" subscribes to "${name}", which is not a message of this catalog`, 'value', didYouMean(name, messageNames).hint));
      } else if (msg.deprecated !== undefined) {
        out.push(at(where, 'W_DEPRECATED_MESSAGE', `service "${service}" subscribes to deprecated message "${name}"`, 'value', `deprecated: ${msg.deprecated}`, 'warning'));
      } else if (msg.kind === 'command') {
        out.push(at(where, 'E_WRONG_KIND', `service "${service}" subscribes to command "${name}": commands go to the service that handles them (${msg.service ?? '?'}); subscribe to events`));
      }
    });
  }
  return out;
}

function versionsText(versions: readonly number[]): string {
  return versions.length === 1 ? `version ${versions[0]}` : `versions ${versions.join(', ')}`;
}

function hintList(what: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const shown = names.slice(0, 8).join(', ');
  return `known ${what}: ${shown}${names.length > 8 ? ', ...' : ''}`;
}
