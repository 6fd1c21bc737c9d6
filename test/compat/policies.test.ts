// The three policies, mode by mode. `strict` and `lenient` must give Confluent Schema Registry's
// verdicts; the expectations below are written from Confluent's definitions, not from our output:
// json-schema-provider's ObjectSchemaDiff decides which Difference types a comparison
// `compare(original, update)` yields, SchemaDiff.COMPATIBLE_CHANGES_STRICT / _LENIENT say which
// of them are compatible, and the CompatibilityChecker (client's SchemaValidatorBuilder) says which
// pairs a mode compares: BACKWARD registers a new version after checking
// `compare(original = previous, update = new)` ("the new schema can read what the previous one
// wrote"), FORWARD checks `compare(original = new, update = previous)`, FULL both, and the
// _TRANSITIVE forms do so against every earlier version instead of the latest one.
//
// `instance` is edasaga's own policy (judged by the documents each schema accepts); its
// expectations are stated per case, with the reason.

import { describe, expect, it } from 'vitest';
import { checkCatalogVersions } from '../../src/compat/catalog.js';
import { checkSchemaPair } from '../../src/compat/schemas.js';
import type { Policy } from '../../src/compat/rules.js';
import type { CompatibilityMode } from '../../src/model/types.js';
import { loadProjectFromSources } from '../../src/project/load.js';

/** The ten Difference types COMPATIBLE_CHANGES_LENIENT adds to the strict set. */
const LENIENT_ADDS = [
  'ADDITIONAL_PROPERTIES_NARROWED',
  'ADDITIONAL_PROPERTIES_REMOVED',
  'UNEVALUATED_PROPERTIES_NARROWED',
  'UNEVALUATED_PROPERTIES_REMOVED',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
] as const;

/** The members of COMPATIBLE_CHANGES_STRICT that the cases below produce. */
const STRICT_OK = new Set([
  'TITLE_CHANGED',
  'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'ADDITIONAL_PROPERTIES_ADDED',
  'ADDITIONAL_PROPERTIES_EXTENDED',
  'UNEVALUATED_PROPERTIES_ADDED',
  'UNEVALUATED_PROPERTIES_EXTENDED',
  'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
]);
const LENIENT_OK = new Set([...STRICT_OK, ...LENIENT_ADDS]);

type Diffs = readonly string[] | { readonly strict: readonly string[]; readonly lenient: readonly string[] };

interface Case {
  readonly name: string;
  readonly a: Record<string, unknown>;
  readonly b: Record<string, unknown>;
  /** Confluent's Difference types of compare(original = a, update = b); per policy when a sub-comparison's verdict decides. */
  readonly ab: Diffs;
  /** ... and of compare(original = b, update = a). */
  readonly ba: Diffs;
  /** edasaga's instance policy: can a reader with b read what a wrote (ab), and the reverse (ba)? */
  readonly instance: { readonly ab: boolean; readonly ba: boolean; readonly why: string };
}

const str = { type: 'string' };
const num = { type: 'number' };
const object = (extra: Record<string, unknown>) => ({ type: 'object', ...extra });

const CASES: readonly Case[] = [
  {
    name: 'ADDITIONAL_PROPERTIES_NARROWED',
    a: object({ properties: { a: str } }),
    b: object({ properties: { a: str }, additionalProperties: str }),
    ab: ['ADDITIONAL_PROPERTIES_NARROWED'],
    ba: ['ADDITIONAL_PROPERTIES_EXTENDED'],
    instance: { ab: true, ba: true, why: 'documents written with a carry only `a`' },
  },
  {
    name: 'ADDITIONAL_PROPERTIES_REMOVED',
    a: object({ properties: { a: str } }),
    b: object({ properties: { a: str }, additionalProperties: false }),
    ab: ['ADDITIONAL_PROPERTIES_REMOVED'],
    ba: ['ADDITIONAL_PROPERTIES_ADDED'],
    instance: { ab: true, ba: true, why: 'documents written with a carry only `a`, which b declares' },
  },
  {
    name: 'UNEVALUATED_PROPERTIES_NARROWED',
    a: object({ properties: { a: str } }),
    b: object({ properties: { a: str }, unevaluatedProperties: str }),
    ab: ['UNEVALUATED_PROPERTIES_NARROWED'],
    ba: ['UNEVALUATED_PROPERTIES_EXTENDED'],
    instance: { ab: true, ba: true, why: 'no undeclared property reaches unevaluatedProperties' },
  },
  {
    name: 'UNEVALUATED_PROPERTIES_REMOVED',
    a: object({ properties: { a: str } }),
    b: object({ properties: { a: str }, unevaluatedProperties: false }),
    ab: ['UNEVALUATED_PROPERTIES_REMOVED'],
    ba: ['UNEVALUATED_PROPERTIES_ADDED'],
    instance: { ab: true, ba: true, why: 'no undeclared property reaches unevaluatedProperties' },
  },
  {
    name: 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL',
    a: object({ properties: { a: str } }),
    b: object({ properties: { a: str, b: { type: 'string', default: 'x' } }, required: ['b'] }),
    ab: ['REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'],
    // ObjectSchemaDiff.compareRequired looks only at properties both sides declare.
    ba: ['PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'],
    instance: { ab: true, ba: true, why: 'the default fills `b` in (as with a closed model); a never wrote an undeclared `b`' },
  },
  {
    name: 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    a: object({ properties: { a: str } }),
    b: object({ properties: { a: str, b: str } }),
    ab: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
    ba: ['PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'],
    instance: { ab: true, ba: true, why: 'a never wrote an undeclared `b`' },
  },
  {
    name: 'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
    a: object({ properties: { a: str, b: str } }),
    b: object({ properties: { a: str } }),
    ab: ['PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL'],
    ba: ['OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL'],
    instance: { ab: true, ba: true, why: 'b stays open, so `b` is still accepted' },
  },
  {
    name: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    a: object({ properties: { a: str, b: str }, additionalProperties: false }),
    b: object({ properties: { a: str }, additionalProperties: false }),
    ab: ['PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL'],
    ba: ['OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
    instance: { ab: false, ba: true, why: 'b is closed and rejects documents of a that carry `b`' },
  },
  {
    name: 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL (the new schema is not implied)',
    a: object({ additionalProperties: str }),
    b: object({ properties: { b: num }, additionalProperties: str }),
    ab: ['TYPE_CHANGED', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
    ba: ['TYPE_CHANGED', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
    instance: { ab: false, ba: false, why: 'a may write `b` as a string, b as a number' },
  },
  {
    name: 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL (covered only under lenient)',
    a: object({ additionalProperties: object({}) }),
    b: object({ properties: { b: object({ additionalProperties: false }) }, additionalProperties: object({}) }),
    // The sub-comparison {type: object} -> {type: object, additionalProperties: false} is
    // ADDITIONAL_PROPERTIES_REMOVED: incompatible under strict, compatible under lenient.
    ab: {
      strict: ['ADDITIONAL_PROPERTIES_REMOVED', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
      lenient: ['ADDITIONAL_PROPERTIES_REMOVED', 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
    },
    ba: ['ADDITIONAL_PROPERTIES_ADDED', 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
    instance: { ab: true, ba: true, why: 'closing a nested model is harmless when producers write only declared properties' },
  },
  {
    name: 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL (the old schema is not covered)',
    a: object({ properties: { b: num }, additionalProperties: str }),
    b: object({ additionalProperties: str }),
    ab: ['TYPE_CHANGED', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
    ba: ['TYPE_CHANGED', 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
    instance: { ab: false, ba: false, why: 'a writes `b` as a number, which b only accepts as a string' },
  },
  {
    name: 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL (covered only under lenient)',
    a: object({ properties: { b: object({}) }, additionalProperties: object({ additionalProperties: false }) }),
    b: object({ additionalProperties: object({ additionalProperties: false }) }),
    ab: {
      strict: ['ADDITIONAL_PROPERTIES_REMOVED', 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
      lenient: ['ADDITIONAL_PROPERTIES_REMOVED', 'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL'],
    },
    ba: ['ADDITIONAL_PROPERTIES_ADDED', 'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL', 'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL'],
    instance: { ab: true, ba: true, why: 'a wrote `b` with no undeclared properties, which the closed schema accepts' },
  },
  {
    // Issue 15 item 6: Confluent compares `required` only for declared properties.
    name: 'a new `required` entry naming an undeclared property',
    a: object({ properties: {} }),
    b: object({ properties: {}, required: ['id'] }),
    ab: [],
    ba: [],
    instance: { ab: false, ba: true, why: 'every document of a lacks `id` (a declares no `id` to write), and b requires it' },
  },
];

const MODES: readonly CompatibilityMode[] = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'];
const titled = (s: Record<string, unknown>) => ({ ...s, title: 'T' });

/**
 * Versions for a mode, chosen so that the mode's own check meets the case's change: a, a+title, b
 * for modes that read old data with the new schema; b, b+title, a for FORWARD (the newest
 * version writes what a previous one must read). The title is a compatible change (TITLE_CHANGED)
 * that makes the non-transitive check compare against a different version than the transitive one.
 */
function history(mode: CompatibilityMode, c: Case): { versions: Record<string, unknown>[]; names: string[] } {
  return mode.startsWith('FORWARD') ? { versions: [c.b, titled(c.b), c.a], names: ['b', "b'", 'a'] } : { versions: [c.a, titled(c.a), c.b], names: ['a', "a'", 'b'] };
}

/** Confluent's Difference types of compare(original = x, update = y) for versions of one history. */
function confluentDiffs(c: Case, x: string, y: string, policy: 'strict' | 'lenient'): readonly string[] {
  const base = (n: string) => n.replace("'", '');
  const title = x.includes("'") !== y.includes("'") ? ['TITLE_CHANGED'] : [];
  if (base(x) === base(y)) return title;
  const d = base(x) === 'a' ? c.ab : c.ba;
  return [...(Array.isArray(d) ? d : (d as { strict: string[]; lenient: string[] })[policy]), ...title];
}

function pairOk(c: Case, x: string, y: string, policy: Policy): boolean {
  if (policy === 'instance') {
    const base = (n: string) => n.replace("'", '');
    return base(x) === base(y) || (base(x) === 'a' ? c.instance.ab : c.instance.ba);
  }
  const ok = policy === 'strict' ? STRICT_OK : LENIENT_OK;
  return confluentDiffs(c, x, y, policy).every((d) => ok.has(d));
}

/** Confluent's CompatibilityChecker over a history: each version as it was registered. */
function expectedVerdict(c: Case, mode: CompatibilityMode, policy: Policy): boolean {
  const { names } = history(mode, c);
  const transitive = mode.endsWith('_TRANSITIVE');
  const backward = mode.startsWith('BACKWARD') || mode.startsWith('FULL');
  const forward = mode.startsWith('FORWARD') || mode.startsWith('FULL');
  for (let k = 1; k < names.length; k++) {
    const earlier = transitive ? names.slice(0, k) : [names[k - 1] as string];
    for (const prev of earlier) {
      const next = names[k] as string;
      if (backward && !pairOk(c, prev, next, policy)) return false;
      if (forward && !pairOk(c, next, prev, policy)) return false;
    }
  }
  return true;
}

/** One catalog per case, one message per mode, each message's versions the mode's history. */
function catalogFor(c: Case): string {
  const messages: Record<string, unknown> = {};
  for (const mode of MODES) {
    const versions: Record<string, unknown> = {};
    history(mode, c).versions.forEach((data, i) => {
      // The case sits one level down, under `data`: Confluent compares properties recursively, so
      // the verdict is the case's own.
      versions[String(i + 1)] = { payload: { type: 'object', required: ['id'], properties: { id: str, data } } };
    });
    messages[`Case${mode.replace(/_/g, '')}`] = { kind: 'event', service: 'svc', topic: 'cases', key: 'id', compatibility: mode, versions };
  }
  return JSON.stringify({ edasaga: 1, catalog: { name: 'cases', namespace: 'com.example.cases' }, services: { svc: { description: 'Cases.' } }, messages });
}

describe.each(CASES)('$name', (c) => {
  const loaded = loadProjectFromSources({ catalog: { path: '/virtual/catalog.yaml', text: catalogFor(c) }, sagas: [] });

  it('is a valid catalog', () => {
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  describe.each(['strict', 'lenient', 'instance'] as const)('under %s', (policy) => {
    const report = checkCatalogVersions({ project: loaded.project!, resolver: loaded.refs!, sources: loaded.sources }, { policy });
    it.each(MODES)('%s', (mode) => {
      const message = `Case${mode.replace(/_/g, '')}`;
      const errors = report.findings.filter((f) => f.message === message && f.severity === 'error');
      expect(errors.length === 0, errors.map((f) => `${f.rule} ${f.pair} ${f.direction}`).join(', ') || 'no error').toBe(expectedVerdict(c, mode, policy));
    });
  });
});

describe('the lenient set', () => {
  it('is the strict one plus exactly the ten types above, case by case', () => {
    // Every Confluent type a case meets is either in the strict set, one of the ten, or incompatible in both.
    const met = new Set(CASES.flatMap((c) => [c.ab, c.ba].flatMap((d) => (Array.isArray(d) ? d : [...(d as { strict: string[] }).strict, ...(d as { lenient: string[] }).lenient]))));
    for (const t of LENIENT_ADDS) expect(met, t).toContain(t);
    expect([...met].filter((t) => !LENIENT_OK.has(t))).toEqual(['TYPE_CHANGED']);
  });

  it("removing an optional property from a closed model: Confluent's test of it", () => {
    // JsonSchemaTest.testStrictVsLenientRemoveOptionalFromClosedModel, and its FORWARD mirror: the
    // old version is closed and the new one adds a property.
    const closed = (props: Record<string, unknown>) => ({ type: 'object', properties: props, required: ['name'], additionalProperties: false });
    const v1 = closed({ name: str, email: str });
    const v2 = closed({ name: str });
    const verdict = (o: unknown, n: unknown, mode: CompatibilityMode, policy: Policy) => checkSchemaPair(o, n, { mode, policy }).compatible;
    expect([verdict(v1, v2, 'BACKWARD', 'strict'), verdict(v1, v2, 'BACKWARD', 'lenient'), verdict(v1, v2, 'BACKWARD', 'instance')]).toEqual([false, true, false]);
    expect([verdict(v2, v1, 'FORWARD', 'strict'), verdict(v2, v1, 'FORWARD', 'lenient'), verdict(v2, v1, 'FORWARD', 'instance')]).toEqual([false, true, false]);
  });
});
