// Limits that keep hostile or accidental input from exhausting memory or time.
// Documented in docs/language.md ("Limits"); change both together.

/** Largest catalog, saga or referenced schema file edasaga reads: 5 MiB. */
export const MAX_FILE_BYTES = 5 * 1024 * 1024;

/**
 * How many alias dereferences (`*anchor`) one YAML document may expand. The example uses none;
 * a "billion laughs" document needs thousands, so 100 is generous for humans and stops bombs.
 */
export const MAX_ALIAS_COUNT = 100;

/**
 * How deeply mappings and lists may nest in one file, below its top level (the catalog's own levels included). A
 * catalog payload nested 40 objects deep uses about 90; a document nested hundreds deep is
 * generated or hostile, and both parsers, the validators and the compatibility checker recurse
 * per level, so deeper input is refused (E_NESTING_TOO_DEEP) before it can exhaust the stack.
 */
export const MAX_NESTING_DEPTH = 100;

/** Keys that could reach an object's prototype if any consumer copied the data carelessly. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
