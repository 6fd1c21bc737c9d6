// The catalogue of schema-change rules: stable ids, which policy tolerates each, and an example.
// (Over 400 lines on purpose: one table of about 150 rules, read in one place, mirrored row by row
// in docs/compat-rules.md.)
//
// Every rule is named from the point of view of one comparison: a WRITER schema (the version the
// data was produced with) against a READER schema (the version a consumer decodes with). In a
// BACKWARD check the writer is the older version and the reader the newer one, so the names read
// as "what changed from old to new"; in a FORWARD check the roles swap (see docs/compat-rules.md).
//
// Three policies (docs/compat-rules.md, "Policies"):
// - `strict` gives the verdicts of Confluent Schema Registry's JSON Schema checker (its default
//   policy, SchemaDiff.COMPATIBLE_CHANGES_STRICT; checked against Confluent's own test vectors);
// - `lenient` those of its LENIENT policy (COMPATIBLE_CHANGES_LENIENT): strict plus the changes
//   that matter only for undeclared properties, and removing a property from a closed model;
// - `instance` edasaga's own judgement, by the documents each schema accepts: producers write
//   only declared properties, and a consumer accepts a document only if its schema validates it
//   (so a closed model that drops a property rejects old data, and a new `required` entry naming
//   an undeclared property rejects every old document).

export type Policy = 'strict' | 'lenient' | 'instance';
export const POLICIES: readonly Policy[] = ['strict', 'lenient', 'instance'];
/** Why instance is the default: docs/compat-rules.md, "Policies". */
export const DEFAULT_POLICY: Policy = 'instance';

export type RuleFamily =
  | 'annotation'
  | 'type'
  | 'string'
  | 'number'
  | 'enum'
  | 'combinator'
  | 'object'
  | 'array'
  | 'catalog';

export interface RuleInfo {
  readonly family: RuleFamily;
  /** Tolerated under the strict policy. */
  readonly strict: boolean;
  /** Tolerated under the lenient policy. */
  readonly lenient: boolean;
  /** Tolerated under the instance policy. */
  readonly instance: boolean;
  /** What the rule means, for docs and `--format sarif` rule descriptions. */
  readonly summary: string;
  /** A minimal writer -> reader example, as two JSON Schemas. */
  readonly example?: readonly [unknown, unknown];
}

type Verdicts = Pick<RuleInfo, 'strict' | 'lenient' | 'instance'>;
const rule =
  (verdicts: Verdicts) =>
  (family: RuleFamily, summary: string, example?: readonly [unknown, unknown]): RuleInfo =>
    example ? { family, ...verdicts, summary, example } : { family, ...verdicts, summary };

/** Tolerated by every policy. */
const ok = rule({ strict: true, lenient: true, instance: true });
/** Rejected by every policy. */
const bad = rule({ strict: false, lenient: false, instance: false });
/** Harmless when producers never write undeclared properties: lenient and instance tolerate it. */
const declaredOnly = rule({ strict: false, lenient: true, instance: true });
/** In Confluent's lenient set only: a validating consumer still rejects such data (instance). */
const lenientOnly = rule({ strict: false, lenient: true, instance: false });
/** Confluent accepts it under both of its policies; judged by documents, it rejects old data. */
const confluentOnly = rule({ strict: true, lenient: true, instance: false });

const str = { type: 'string' };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown => ({
  type: 'object',
  properties,
  ...extra,
});
const closed = { additionalProperties: false };

export const RULES = {
  // ---- annotations: never change what is valid ----
  TITLE_CHANGED: ok('annotation', '`title` changed (annotation only).', [{ title: 'A' }, { title: 'B' }]),
  DESCRIPTION_CHANGED: ok('annotation', '`description` changed (annotation only).', [{ description: 'a' }, { description: 'b' }]),
  ID_CHANGED: ok('annotation', '`$id` changed.', [{ $id: 'a' }, { $id: 'b' }]),
  DEFAULT_CHANGED: ok('annotation', '`default` changed (annotation only).', [{ default: 1 }, { default: 2 }]),

  // ---- types ----
  TYPE_CHANGED: bad('type', 'The value must now be of a different JSON type.', [str, { type: 'number' }]),
  TYPE_WIDENED: ok('type', '`integer` became `number`: every integer is still a number.', [{ type: 'integer' }, { type: 'number' }]),
  TYPE_NARROWED: bad('type', '`number` became `integer`: fractional values are rejected.', [{ type: 'number' }, { type: 'integer' }]),
  TYPE_ADDED: ok('type', 'A type was added to a type union (e.g. `string` -> `[string, null]`).', [str, { type: ['string', 'null'] }]),
  TYPE_REMOVED: bad('type', 'A type was removed from a type union (e.g. `[string, null]` -> `string`).', [{ type: ['string', 'null'] }, str]),

  // ---- strings ----
  MAX_LENGTH_ADDED: bad('string', '`maxLength` added.', [str, { type: 'string', maxLength: 10 }]),
  MAX_LENGTH_REMOVED: ok('string', '`maxLength` removed.', [{ type: 'string', maxLength: 10 }, str]),
  MAX_LENGTH_INCREASED: ok('string', '`maxLength` increased.', [{ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 12 }]),
  MAX_LENGTH_DECREASED: bad('string', '`maxLength` decreased.', [{ type: 'string', maxLength: 12 }, { type: 'string', maxLength: 10 }]),
  MIN_LENGTH_ADDED: bad('string', '`minLength` added.', [str, { type: 'string', minLength: 1 }]),
  MIN_LENGTH_REMOVED: ok('string', '`minLength` removed.', [{ type: 'string', minLength: 1 }, str]),
  MIN_LENGTH_INCREASED: bad('string', '`minLength` increased.', [{ type: 'string', minLength: 1 }, { type: 'string', minLength: 2 }]),
  MIN_LENGTH_DECREASED: ok('string', '`minLength` decreased.', [{ type: 'string', minLength: 2 }, { type: 'string', minLength: 1 }]),
  PATTERN_ADDED: bad('string', '`pattern` added.', [str, { type: 'string', pattern: '^[A-Z]+$' }]),
  PATTERN_REMOVED: ok('string', '`pattern` removed.', [{ type: 'string', pattern: '^[A-Z]+$' }, str]),
  PATTERN_CHANGED: bad('string', '`pattern` changed (regular expressions are not compared for inclusion).', [
    { type: 'string', pattern: '^[A-Z]+$' },
    { type: 'string', pattern: '^[a-z]+$' },
  ]),
  FORMAT_ADDED: bad('string', '`format` added (edasaga validates formats; Confluent ignores `format`).', [str, { type: 'string', format: 'uuid' }]),
  FORMAT_REMOVED: ok('string', '`format` removed.', [{ type: 'string', format: 'uuid' }, str]),
  FORMAT_CHANGED: bad('string', '`format` changed (edasaga validates formats; Confluent ignores `format`).', [
    { type: 'string', format: 'uuid' },
    { type: 'string', format: 'email' },
  ]),

  // ---- numbers ----
  MAXIMUM_ADDED: bad('number', '`maximum` added.', [{ type: 'number' }, { type: 'number', maximum: 10 }]),
  MAXIMUM_REMOVED: ok('number', '`maximum` removed.', [{ type: 'number', maximum: 10 }, { type: 'number' }]),
  MAXIMUM_INCREASED: ok('number', '`maximum` increased.', [{ type: 'number', maximum: 10 }, { type: 'number', maximum: 11 }]),
  MAXIMUM_DECREASED: bad('number', '`maximum` decreased.', [{ type: 'number', maximum: 11 }, { type: 'number', maximum: 10 }]),
  MINIMUM_ADDED: bad('number', '`minimum` added.', [{ type: 'number' }, { type: 'number', minimum: 0 }]),
  MINIMUM_REMOVED: ok('number', '`minimum` removed.', [{ type: 'number', minimum: 0 }, { type: 'number' }]),
  MINIMUM_INCREASED: bad('number', '`minimum` increased.', [{ type: 'number', minimum: 0 }, { type: 'number', minimum: 1 }]),
  MINIMUM_DECREASED: ok('number', '`minimum` decreased.', [{ type: 'number', minimum: 1 }, { type: 'number', minimum: 0 }]),
  EXCLUSIVE_MAXIMUM_ADDED: bad('number', '`exclusiveMaximum` added.', [{ type: 'number' }, { type: 'number', exclusiveMaximum: 10 }]),
  EXCLUSIVE_MAXIMUM_REMOVED: ok('number', '`exclusiveMaximum` removed.', [{ type: 'number', exclusiveMaximum: 10 }, { type: 'number' }]),
  EXCLUSIVE_MAXIMUM_INCREASED: ok('number', '`exclusiveMaximum` increased.', [
    { type: 'number', exclusiveMaximum: 10 },
    { type: 'number', exclusiveMaximum: 11 },
  ]),
  EXCLUSIVE_MAXIMUM_DECREASED: bad('number', '`exclusiveMaximum` decreased.', [
    { type: 'number', exclusiveMaximum: 11 },
    { type: 'number', exclusiveMaximum: 10 },
  ]),
  EXCLUSIVE_MINIMUM_ADDED: bad('number', '`exclusiveMinimum` added.', [{ type: 'number' }, { type: 'number', exclusiveMinimum: 0 }]),
  EXCLUSIVE_MINIMUM_REMOVED: ok('number', '`exclusiveMinimum` removed.', [{ type: 'number', exclusiveMinimum: 0 }, { type: 'number' }]),
  EXCLUSIVE_MINIMUM_INCREASED: bad('number', '`exclusiveMinimum` increased.', [
    { type: 'number', exclusiveMinimum: 0 },
    { type: 'number', exclusiveMinimum: 1 },
  ]),
  EXCLUSIVE_MINIMUM_DECREASED: ok('number', '`exclusiveMinimum` decreased.', [
    { type: 'number', exclusiveMinimum: 1 },
    { type: 'number', exclusiveMinimum: 0 },
  ]),
  MULTIPLE_OF_ADDED: bad('number', '`multipleOf` added.', [{ type: 'number' }, { type: 'number', multipleOf: 5 }]),
  MULTIPLE_OF_REMOVED: ok('number', '`multipleOf` removed.', [{ type: 'number', multipleOf: 5 }, { type: 'number' }]),
  MULTIPLE_OF_REDUCED: ok('number', '`multipleOf` became a divisor of the old one (10 -> 2): old values still divide.', [
    { type: 'number', multipleOf: 10 },
    { type: 'number', multipleOf: 2 },
  ]),
  MULTIPLE_OF_CHANGED: bad('number', '`multipleOf` changed to a value that does not divide the old one.', [
    { type: 'number', multipleOf: 10 },
    { type: 'number', multipleOf: 3 },
  ]),

  // ---- enum / const ----
  ENUM_VALUE_ADDED: ok('enum', 'An `enum` value was added.', [{ enum: ['a'] }, { enum: ['a', 'b'] }]),
  ENUM_VALUE_REMOVED: bad('enum', 'An `enum` value was removed.', [{ enum: ['a', 'b'] }, { enum: ['a'] }]),
  ENUM_ADDED: bad('enum', 'An `enum` now restricts a value that was free.', [str, { type: 'string', enum: ['a'] }]),
  ENUM_REMOVED: ok('enum', 'An `enum` restriction was dropped.', [{ type: 'string', enum: ['a'] }, str]),
  CONST_CHANGED: bad('enum', '`const` changed.', [{ const: 'a' }, { const: 'b' }]),
  CONST_ADDED: bad('enum', '`const` now pins a value that was free.', [str, { type: 'string', const: 'a' }]),
  CONST_REMOVED: ok('enum', '`const` restriction dropped.', [{ type: 'string', const: 'a' }, str]),

  // ---- not ----
  NOT_NARROWED: ok('combinator', 'The schema under `not` excludes fewer values.', [{ not: { type: 'number' } }, { not: { type: 'integer' } }]),
  NOT_WIDENED: bad('combinator', 'The schema under `not` excludes more values.', [{ not: { type: 'integer' } }, { not: { type: 'number' } }]),
  NOT_ADDED: bad('combinator', 'A `not` exclusion was added.', [str, { type: 'string', not: { const: '' } }]),
  NOT_REMOVED: ok('combinator', 'A `not` exclusion was dropped.', [{ type: 'string', not: { const: '' } }, str]),

  // ---- if / then / else ----
  CONDITIONAL_ADDED: bad('combinator', 'An `if`/`then`/`else` condition (or a `then`/`else` branch) was added.', [
    { type: 'object' },
    { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } },
  ]),
  CONDITIONAL_REMOVED: ok('combinator', 'An `if`/`then`/`else` condition was removed.', [
    { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } },
    { type: 'object' },
  ]),
  CONDITIONAL_CHANGED: bad('combinator', 'The `if` of a condition changed (conditions are not compared for inclusion).', [
    { type: 'object', if: { required: ['a'] }, then: { required: ['b'] } },
    { type: 'object', if: { required: ['c'] }, then: { required: ['b'] } },
  ]),

  // ---- oneOf / anyOf / allOf ----
  UNION_EXTENDED: ok('combinator', 'A `oneOf`/`anyOf` gained an alternative.', [{ oneOf: [str] }, { oneOf: [str, { type: 'number' }] }]),
  UNION_NARROWED: bad('combinator', 'A `oneOf`/`anyOf` lost an alternative that old data may use.', [
    { oneOf: [str, { type: 'number' }] },
    { oneOf: [str] },
  ]),
  ALLOF_EXTENDED: bad('combinator', 'An `allOf` gained a constraint.', [{ allOf: [str] }, { allOf: [str, { enum: ['a'] }] }]),
  ALLOF_NARROWED: ok('combinator', 'An `allOf` lost a constraint.', [{ allOf: [str, { maxLength: 3 }] }, { allOf: [str] }]),
  COMBINATOR_RELAXED: ok('combinator', 'The combinator became more permissive (e.g. `oneOf` -> `anyOf`).', [{ oneOf: [str] }, { anyOf: [str] }]),
  COMBINATOR_CHANGED: bad('combinator', 'The combinator changed in a way that may reject old data (e.g. `anyOf` -> `oneOf`).', [
    { anyOf: [str, { type: 'number' }] },
    { oneOf: [str] },
  ]),
  BRANCHES_UNMATCHED: bad('combinator', 'Some alternatives of the old combinator have no compatible counterpart (branches are matched regardless of order).', [
    { oneOf: [str, { type: 'null' }] },
    { oneOf: [{ type: 'number' }, { type: 'boolean' }] },
  ]),

  // ---- objects ----
  PROPERTY_MADE_REQUIRED: bad('object', 'An existing property became required.', [
    obj({ a: str }),
    obj({ a: str }, { required: ['a'] }),
  ]),
  PROPERTY_MADE_REQUIRED_WITH_DEFAULT: ok('object', 'An existing property became required and has a `default` to fill it in.', [
    obj({ a: str }),
    obj({ a: { type: 'string', default: '' } }, { required: ['a'] }),
  ]),
  PROPERTY_MADE_OPTIONAL: ok('object', 'A required property became optional.', [obj({ a: str }, { required: ['a'] }), obj({ a: str })]),
  REQUIRED_PROPERTY_ADDED: bad('object', 'A new required property (without `default`) was added.', [
    obj({}, closed),
    obj({ a: str }, { ...closed, required: ['a'] }),
  ]),
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED: ok('object', 'A new required property with a `default` was added to a closed content model.', [
    obj({}, closed),
    obj({ a: { type: 'string', default: '' } }, { ...closed, required: ['a'] }),
  ]),
  REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_MODEL: declaredOnly(
    'object',
    'A new required property with a `default` was added to an open content model (old data may carry it undeclared, with another type).',
    [obj({}), obj({ a: { type: 'string', default: '' } }, { required: ['a'] })],
  ),
  OPTIONAL_PROPERTY_ADDED: ok('object', 'A new optional property was added to a closed (or partially open) content model.', [
    obj({}, closed),
    obj({ a: str }, closed),
  ]),
  OPTIONAL_PROPERTY_ADDED_TO_OPEN_MODEL: declaredOnly(
    'object',
    'A new optional property was added to an open content model: old data may carry it undeclared, with another type. Safe when producers never write undeclared properties (lenient, instance).',
    [obj({}), obj({ a: str })],
  ),
  UNCONSTRAINED_PROPERTY_ADDED: ok('object', 'A property with an empty (`true`) schema was added to an open content model.', [
    obj({}),
    obj({ a: true }),
  ]),
  PROPERTY_ADDED_COVERED: ok('object', 'A property was declared that the old `patternProperties`/`additionalProperties` schema already accepted.', [
    { type: 'object', additionalProperties: str },
    { type: 'object', properties: { a: str }, additionalProperties: str },
  ]),
  PROPERTY_ADDED_NOT_COVERED: lenientOnly(
    'object',
    'A property was declared with a schema the old `patternProperties`/`additionalProperties` did not imply. Always comes with the reason (e.g. TYPE_CHANGED), which carries the verdict; Confluent\'s lenient policy tolerates this marker itself.',
    [{ type: 'object', additionalProperties: str }, { type: 'object', properties: { a: { type: 'number' } }, additionalProperties: str }],
  ),
  PROPERTY_REMOVED: ok('object', 'A property was removed from an open content model (it is still accepted).', [obj({ a: str }), obj({})]),
  PROPERTY_REMOVED_COVERED: ok('object', 'A property was removed but `patternProperties`/`additionalProperties` still accept its values.', [
    obj({ a: str }, closed),
    { type: 'object', additionalProperties: str },
  ]),
  PROPERTY_REMOVED_NOT_COVERED: lenientOnly(
    'object',
    'A property was removed and `patternProperties`/`additionalProperties` do not accept all of its old values. Always comes with the reason, which carries the verdict; Confluent\'s lenient policy tolerates this marker itself.',
    [obj({ a: { type: 'number' } }, closed), { type: 'object', additionalProperties: str }],
  ),
  FORBIDDEN_PROPERTY_REMOVED: ok('object', 'A property declared `false` was removed from a closed content model.', [
    obj({ a: false }, closed),
    obj({}, closed),
  ]),
  PROPERTY_REMOVED_FROM_CLOSED_MODEL: lenientOnly('object', 'A property was removed from a closed content model: a consumer that validates rejects old data carrying it (Confluent\'s lenient policy accepts it).', [
    obj({ a: str }, closed),
    obj({}, closed),
  ]),
  UNDECLARED_PROPERTY_REQUIRED: confluentOnly(
    'object',
    '`required` names a property that `properties` does not declare. Confluent ignores such entries (strict, lenient); judged by documents (instance), old data written without that property is rejected.',
    [obj({}), obj({}, { required: ['a'] })],
  ),
  ADDITIONAL_PROPERTIES_ALLOWED: ok('object', '`additionalProperties: false` was lifted.', [
    { type: 'object', additionalProperties: false },
    { type: 'object' },
  ]),
  ADDITIONAL_PROPERTIES_FORBIDDEN: declaredOnly('object', '`additionalProperties: false` was added (closing an open model).', [
    { type: 'object' },
    { type: 'object', additionalProperties: false },
  ]),
  ADDITIONAL_PROPERTIES_NARROWED: declaredOnly('object', '`additionalProperties` went from anything to a schema.', [
    { type: 'object' },
    { type: 'object', additionalProperties: str },
  ]),
  ADDITIONAL_PROPERTIES_EXTENDED: ok('object', '`additionalProperties` went from a schema to anything.', [
    { type: 'object', additionalProperties: str },
    { type: 'object' },
  ]),
  UNEVALUATED_PROPERTIES_ALLOWED: ok('object', '`unevaluatedProperties: false` was lifted.', [
    { type: 'object', unevaluatedProperties: false },
    { type: 'object' },
  ]),
  UNEVALUATED_PROPERTIES_FORBIDDEN: declaredOnly('object', '`unevaluatedProperties: false` was added.', [
    { type: 'object' },
    { type: 'object', unevaluatedProperties: false },
  ]),
  UNEVALUATED_PROPERTIES_NARROWED: declaredOnly('object', '`unevaluatedProperties` went from anything to a schema.', [
    { type: 'object' },
    { type: 'object', unevaluatedProperties: str },
  ]),
  UNEVALUATED_PROPERTIES_EXTENDED: ok('object', '`unevaluatedProperties` went from a schema to anything.', [
    { type: 'object', unevaluatedProperties: str },
    { type: 'object' },
  ]),
  PATTERN_PROPERTY_ADDED: ok('object', 'A `patternProperties` entry was added to a closed content model.', [
    { type: 'object', additionalProperties: false },
    { type: 'object', patternProperties: { '^x-': str }, additionalProperties: false },
  ]),
  PATTERN_PROPERTY_ADDED_TO_OPEN_MODEL: declaredOnly('object', 'A `patternProperties` entry was added to an open content model.', [
    { type: 'object' },
    { type: 'object', patternProperties: { '^x-': str } },
  ]),
  PATTERN_PROPERTY_REMOVED: ok('object', 'A `patternProperties` entry was removed; the new model still accepts such properties.', [
    { type: 'object', patternProperties: { '^x-': str } },
    { type: 'object' },
  ]),
  PATTERN_PROPERTY_REMOVED_FROM_CLOSED_MODEL: lenientOnly('object', 'A `patternProperties` entry was removed from a closed content model: old data carrying such properties is rejected (Confluent does not compare `patternProperties`; lenient tolerates this as it tolerates removing a property from a closed model).', [
    { type: 'object', patternProperties: { '^x-': str }, additionalProperties: false },
    { type: 'object', additionalProperties: false },
  ]),
  DEPENDENT_REQUIRED_ADDED: bad('object', 'A `dependentRequired` (draft-07 `dependencies` array) entry was added.', [
    obj({ a: str, b: str }),
    obj({ a: str, b: str }, { dependentRequired: { a: ['b'] } }),
  ]),
  DEPENDENT_REQUIRED_REMOVED: ok('object', 'A `dependentRequired` entry was removed.', [
    obj({ a: str, b: str }, { dependentRequired: { a: ['b'] } }),
    obj({ a: str, b: str }),
  ]),
  DEPENDENT_REQUIRED_EXTENDED: bad('object', 'A `dependentRequired` entry requires more properties.'),
  DEPENDENT_REQUIRED_NARROWED: ok('object', 'A `dependentRequired` entry requires fewer properties.'),
  DEPENDENT_REQUIRED_CHANGED: bad('object', 'A `dependentRequired` entry requires different properties.'),
  DEPENDENT_SCHEMA_ADDED: bad('object', 'A `dependentSchemas` (draft-07 `dependencies` schema) entry was added.', [
    { type: 'object' },
    { type: 'object', dependentSchemas: { a: { required: ['b'] } } },
  ]),
  DEPENDENT_SCHEMA_REMOVED: ok('object', 'A `dependentSchemas` entry was removed.', [
    { type: 'object', dependentSchemas: { a: { required: ['b'] } } },
    { type: 'object' },
  ]),
  MAX_PROPERTIES_ADDED: bad('object', '`maxProperties` added.'),
  MAX_PROPERTIES_REMOVED: ok('object', '`maxProperties` removed.'),
  MAX_PROPERTIES_INCREASED: ok('object', '`maxProperties` increased.'),
  MAX_PROPERTIES_DECREASED: bad('object', '`maxProperties` decreased.'),
  MIN_PROPERTIES_ADDED: bad('object', '`minProperties` added.'),
  MIN_PROPERTIES_REMOVED: ok('object', '`minProperties` removed.'),
  MIN_PROPERTIES_INCREASED: bad('object', '`minProperties` increased.'),
  MIN_PROPERTIES_DECREASED: ok('object', '`minProperties` decreased.'),
  PROPERTY_NAMES_ADDED: bad('object', '`propertyNames` added.'),
  PROPERTY_NAMES_REMOVED: ok('object', '`propertyNames` removed.'),

  // ---- arrays ----
  ITEMS_SCHEMA_ADDED: bad('array', '`items` now constrains elements that were free.', [{ type: 'array' }, { type: 'array', items: str }]),
  ITEMS_SCHEMA_REMOVED: ok('array', '`items` constraint removed.', [{ type: 'array', items: str }, { type: 'array' }]),
  ITEM_ADDED_TO_OPEN_MODEL: bad('array', 'A tuple position was added to an open tuple: old arrays may hold anything there.', [
    { type: 'array', prefixItems: [str] },
    { type: 'array', prefixItems: [str, str] },
  ]),
  UNCONSTRAINED_ITEM_ADDED: ok('array', 'A tuple position with an empty (`true`) schema was added.'),
  ITEM_ADDED_TO_CLOSED_MODEL: ok('array', 'A tuple position was added to a closed tuple (old arrays never reach it).', [
    { type: 'array', prefixItems: [str], items: false },
    { type: 'array', prefixItems: [str, str], items: false },
  ]),
  ITEM_ADDED_COVERED: ok('array', 'A tuple position was added that the old rest-of-items schema already accepted.'),
  ITEM_ADDED_NOT_COVERED: bad('array', 'A tuple position was added whose schema the old rest-of-items schema did not imply.'),
  ITEM_REMOVED: ok('array', 'A tuple position was removed from a tuple that stays open.', [
    { type: 'array', prefixItems: [str, str] },
    { type: 'array', prefixItems: [str] },
  ]),
  FORBIDDEN_ITEM_REMOVED: ok('array', 'A tuple position declared `false` was removed from a closed tuple.'),
  ITEM_REMOVED_FROM_CLOSED_MODEL: bad('array', 'A tuple position was removed from a closed tuple: old arrays that long are rejected.', [
    { type: 'array', prefixItems: [str, str], items: false },
    { type: 'array', prefixItems: [str], items: false },
  ]),
  ITEM_REMOVED_COVERED: ok('array', 'A tuple position was removed but the rest-of-items schema still accepts its values.'),
  ITEM_REMOVED_NOT_COVERED: bad('array', 'A tuple position was removed and the rest-of-items schema does not accept its old values.'),
  ADDITIONAL_ITEMS_ALLOWED: ok('array', 'Items beyond the tuple are no longer forbidden.'),
  ADDITIONAL_ITEMS_FORBIDDEN: bad('array', 'Items beyond the tuple are now forbidden.', [{ additionalItems: true }, { additionalItems: false }]),
  ADDITIONAL_ITEMS_NARROWED: bad('array', 'Items beyond the tuple went from anything to a schema.'),
  ADDITIONAL_ITEMS_EXTENDED: ok('array', 'Items beyond the tuple went from a schema to anything.'),
  UNEVALUATED_ITEMS_ALLOWED: ok('array', '`unevaluatedItems: false` was lifted.'),
  UNEVALUATED_ITEMS_FORBIDDEN: bad('array', '`unevaluatedItems: false` was added.'),
  UNEVALUATED_ITEMS_NARROWED: bad('array', '`unevaluatedItems` went from anything to a schema.'),
  UNEVALUATED_ITEMS_EXTENDED: ok('array', '`unevaluatedItems` went from a schema to anything.'),
  MAX_ITEMS_ADDED: bad('array', '`maxItems` added.'),
  MAX_ITEMS_REMOVED: ok('array', '`maxItems` removed.'),
  MAX_ITEMS_INCREASED: ok('array', '`maxItems` increased.'),
  MAX_ITEMS_DECREASED: bad('array', '`maxItems` decreased.', [{ type: 'array', maxItems: 2 }, { type: 'array', maxItems: 1 }]),
  MIN_ITEMS_ADDED: bad('array', '`minItems` added.'),
  MIN_ITEMS_REMOVED: ok('array', '`minItems` removed.'),
  MIN_ITEMS_INCREASED: bad('array', '`minItems` increased.', [{ type: 'array', minItems: 1 }, { type: 'array', minItems: 2 }]),
  MIN_ITEMS_DECREASED: ok('array', '`minItems` decreased.'),
  UNIQUE_ITEMS_ADDED: bad('array', '`uniqueItems: true` added.'),
  UNIQUE_ITEMS_REMOVED: ok('array', '`uniqueItems: true` removed.'),
  CONTAINS_ADDED: bad('array', '`contains` added.'),
  CONTAINS_REMOVED: ok('array', '`contains` removed.'),
  MAX_CONTAINS_ADDED: bad('array', '`maxContains` added.'),
  MAX_CONTAINS_REMOVED: ok('array', '`maxContains` removed.'),
  MAX_CONTAINS_INCREASED: ok('array', '`maxContains` increased.'),
  MAX_CONTAINS_DECREASED: bad('array', '`maxContains` decreased.'),
  MIN_CONTAINS_ADDED: bad('array', '`minContains` added.'),
  MIN_CONTAINS_REMOVED: ok('array', '`minContains` removed.'),
  MIN_CONTAINS_INCREASED: bad('array', '`minContains` increased.'),
  MIN_CONTAINS_DECREASED: ok('array', '`minContains` decreased.'),

  // ---- catalog-level (against a baseline) ----
  PUBLISHED_VERSION_EDITED: bad('catalog', 'A version that exists in the baseline was edited (only descriptions, titles and examples may change).'),
  MESSAGE_REMOVED: bad('catalog', 'A message that the baseline has, and that is still consumed, was removed.'),
  VERSION_REMOVED: bad('catalog', 'A version that the baseline has was removed while the message is still consumed.'),
  TOPIC_CHANGED: bad('catalog', 'The topic of a message changed: consumers subscribed to the old topic stop receiving it.'),
  KEY_CHANGED: bad('catalog', 'The ordering key of a message changed: per-key ordering and partitioning break.'),
  COMPATIBILITY_WEAKENED: ok('catalog', "A message's compatibility mode no longer implies the baseline's (e.g. FULL -> BACKWARD): a guarantee consumers may rely on was dropped (reported as a warning)."),
  ACCEPTED_BREAK_UNKNOWN_RULE: ok('catalog', 'An `acceptedBreaks` entry names a rule id that does not exist, so it can never accept anything (reported as a warning).'),
} as const satisfies Record<string, RuleInfo>;

export type RuleId = keyof typeof RULES;

export function ruleInfo(rule: RuleId): RuleInfo {
  return RULES[rule];
}

export function isTolerated(rule: RuleId, policy: Policy): boolean {
  const info: RuleInfo = RULES[rule];
  return info[policy];
}
