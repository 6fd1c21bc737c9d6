// Limits that keep hostile or accidental input from exhausting memory or time.
// Documented in docs/language.md ("Limits"); change both together.

/** Largest catalog, saga or referenced schema file edasaga reads: 5 MiB. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * How many alias dereferences (`*anchor`) one YAML document may expand. The example uses none;
 * a "billion laughs" document needs thousands, so 100 is generous for humans and stops bombs.
 */
export const MAX_ALIAS_COUNT = 100;

/** Keys that could reach an object's prototype if any consumer copied the data carelessly. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * How deep mappings and lists may nest. Catalogs, sagas, schema files and AsyncAPI documents people
 * write stay far below it; the careful YAML parser runs out of memory on about a thousand nested
 * flow collections (`{"a":{"a":...`), and recursive walks of the data (validation, compatibility)
 * would overflow the stack on deeper data, so deeper is refused before anything parses or walks it.
 */
export const MAX_NESTING = 100;
