// The keywords of JSON Schema 2020-12 and draft-07, to catch typos in payload schemas (`typ: string`
// is valid JSON Schema, an unknown annotation, and would silently validate nothing) and keywords of
// the other draft (which that draft ignores).

const COMMON = [
  '$schema', '$id', '$ref', '$comment', 'definitions', 'title', 'description', 'default', 'readOnly', 'writeOnly',
  'examples', 'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties',
  'required', 'items', 'contains', 'additionalProperties', 'properties', 'patternProperties', 'propertyNames', 'if',
  'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not', 'format', 'contentEncoding', 'contentMediaType',
];
const ONLY_2020 = [
  '$defs', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', 'deprecated', 'prefixItems', 'maxContains',
  'minContains', 'dependentRequired', 'dependentSchemas', 'unevaluatedItems', 'unevaluatedProperties', 'contentSchema',
];
// `dependencies` and `definitions` remain accepted by the 2020-12 meta-schema for compatibility.
const ONLY_07 = ['additionalItems', 'dependencies', '$recursiveRef', '$recursiveAnchor'];

export const KEYWORDS_2020 = new Set([...COMMON, ...ONLY_2020, 'dependencies']);
export const KEYWORDS_07 = new Set([...COMMON, ...ONLY_07, '$defs']);

/** Formats ajv-formats implements (the generated validators check these). */
export const KNOWN_FORMATS = new Set(
  ('date time date-time iso-time iso-date-time duration uri uri-reference uri-template url email hostname ipv4 ipv6 ' +
    'regex uuid json-pointer json-pointer-uri-fragment relative-json-pointer byte int32 int64 float double password binary').split(' '),
);

export function otherDraftKeyword(keyword: string, draft07: boolean): boolean {
  return draft07 ? ONLY_2020.includes(keyword) && keyword !== '$defs' : ONLY_07.includes(keyword) && keyword !== 'dependencies';
}
