// The TypeScript names a catalog puts into one namespace of the generated project: everything
// src/generated/index.ts exports (so a user imports any of it from one place), plus the saga types
// the user's saga builders import beside message types. Two things that would get the same name
// there do not compile (TS2308, TS2300), so `validate` refuses them (rules.ts and clashes below)
// and `generate` checks the same rules before it writes anything.
//
// Modules that mix catalog names with names of their own (the wiring in src/generated/app/, the
// saga modules) reach the catalog through a namespace import (`catalog.OrderCreated`), so their own
// names (`Migration`, `ServiceName`, ...) never need reserving. Nested payload types
// (`OrderCreatedV2ShippingAddress`) are made unique against this whole namespace when generated.
import { collisionKey, pascalCase } from './case.js';

/**
 * Names the generated code exports whatever the catalog holds, and where each comes from.
 * test/generate/name-clashes.test.ts checks this list against what the emitters really export.
 */
export const FIXED_EXPORTS: ReadonlyMap<string, string> = new Map([
  ...['fromBinary', 'fromStructured', 'toBinary', 'toStructured', 'EnvelopeError', 'BinaryMessage', 'EventEnvelope'].map((n) => [n, 'the CloudEvents envelope'] as const),
  ...[
    'FieldError', 'SchemaError', 'CompiledValidator', 'ValidationResult', 'MessageValidationError', 'UnknownMessageError', 'fieldErrors', 'check',
    'expectValid', 'TypedEnvelope', 'EnvelopeOptions', 'EnvelopeMeta', 'envelopeMeta', 'Decoder', 'HandlerContext',
  ].map((n) => [n, 'the generated support module'] as const),
  ...['AnyMessage', 'messages', 'MessageName', 'topics', 'decoderKey', 'decoders', 'decode', 'decodeStructured', 'decodeBinary'].map(
    (n) => [n, 'the generated message registry'] as const,
  ),
]);

export type ThingKind = 'message' | 'definition' | 'service' | 'saga';

export interface NamedThing {
  readonly kind: ThingKind;
  readonly name: string;
  /** A message's version numbers (each gets a payload type). */
  readonly versions?: readonly number[];
}

export interface DerivedName {
  readonly identifier: string;
  /** What the identifier is, for messages: "the type of version 2 of message "OrderCreated"". */
  readonly role: string;
}

/** The shared-namespace names `thing` generates besides its own name (which is `identifier` of kind name). */
export function derivedNames(thing: NamedThing): DerivedName[] {
  const label = `${thing.kind} "${thing.name}"`;
  switch (thing.kind) {
    case 'message':
      return [
        { identifier: `${thing.name}Message`, role: `the envelope type of ${label}` },
        ...(thing.versions ?? []).map((v) => ({ identifier: `${thing.name}V${v}`, role: `the payload type of version ${v} of ${label}` })),
      ];
    case 'service':
      return [{ identifier: `${pascalCase(thing.name)}Handlers`, role: `the handlers interface of ${label}` }];
    case 'saga':
      return [
        { identifier: `${pascalCase(thing.name)}Data`, role: `the data type of ${label}` },
        { identifier: `${pascalCase(thing.name)}Builders`, role: `the builders interface of ${label}` },
      ];
    case 'definition':
      return [];
  }
}

/** The identifier a thing's own name becomes in the shared namespace, if any (services and sagas have none). */
function ownIdentifier(thing: NamedThing): DerivedName | undefined {
  return thing.kind === 'message' || thing.kind === 'definition' ? { identifier: thing.name, role: `${thing.kind} "${thing.name}"` } : undefined;
}

/** Why a name of `kind` cannot be generated whatever else the catalog holds: it or a name it derives is fixed. */
export function fixedNameProblem(kind: ThingKind, name: string): string | undefined {
  const own = ownIdentifier({ kind, name });
  if (own !== undefined) {
    const fixed = FIXED_EXPORTS.get(own.identifier);
    if (fixed !== undefined) return `is a name the generated code already exports (from ${fixed})`;
  }
  for (const derived of derivedNames({ kind, name })) {
    const fixed = FIXED_EXPORTS.get(derived.identifier);
    if (fixed !== undefined) return `would generate ${derived.identifier}, which the generated code already exports (from ${fixed})`;
  }
  return undefined;
}

export interface NameClash {
  /** The thing to report: the one whose name makes the clash. */
  readonly thing: NamedThing;
  readonly identifier: string;
  readonly message: string;
}

/**
 * Two things of the catalog that would generate the same identifier. Names they derive are taken
 * first, so a name that equals another thing's derived name (a message "ProcessPaymentV1" beside
 * the version 1 type of "ProcessPayment") is reported at that name, wherever it is written.
 * Names the fixed exports already own are fixedNameProblem's, not reported here.
 */
export function nameClashes(things: readonly NamedThing[]): NameClash[] {
  const taken = new Map<string, { thing: NamedThing; name: DerivedName }>();
  const clashes: NameClash[] = [];
  const take = (thing: NamedThing, name: DerivedName): void => {
    if (FIXED_EXPORTS.has(name.identifier)) return;
    const other = taken.get(name.identifier);
    if (other === undefined) {
      taken.set(name.identifier, { thing, name });
      return;
    }
    // Names equal but for case or dashes are reported by the collision rule (validate/catalog-rules.ts).
    if (collisionKey(other.thing.name) === collisionKey(thing.name)) return;
    const own = name.role === `${thing.kind} "${thing.name}"`;
    const message = own
      ? `${name.role} has the same TypeScript name as ${other.name.role}: the generated code would not compile`
      : `${thing.kind} "${thing.name}" would generate ${name.identifier} (${name.role}), already ${other.name.role}: the generated code would not compile`;
    clashes.push({ thing, identifier: name.identifier, message });
  };
  for (const thing of things) for (const name of derivedNames(thing)) take(thing, name);
  for (const thing of things) {
    const own = ownIdentifier(thing);
    if (own !== undefined) take(thing, own);
  }
  return clashes;
}

/** Every name of the shared namespace, for making nested type names unique against it. */
export function sharedNamespace(things: readonly NamedThing[]): Set<string> {
  const names = new Set<string>(FIXED_EXPORTS.keys());
  for (const thing of things) {
    const own = ownIdentifier(thing);
    if (own !== undefined) names.add(own.identifier);
    for (const name of derivedNames(thing)) names.add(name.identifier);
  }
  return names;
}
