// Names in the catalog become TypeScript identifiers, class names and file or folder names in the
// generated project. These rules keep every name usable on every OS and in every generated file.
// One rule set: `validate` reports what breaks it, and `generate` refuses the same names (as a last
// line of defence for projects built in code), so whatever `validate` accepts `generate` generates
// (test/foundation/names.test.ts checks it over every name the language allows).
import { camelCase, collisionKey } from './case.js';
import { fixedNameProblem } from './generated.js';

/** Words that cannot name a binding in an ES module (strict mode), and TypeScript's own type names. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await as any boolean declare get module ' +
    'require number set string symbol type from of async never unknown object bigint undefined arguments eval'
  ).split(' '),
);

/** Globals a generated class of the same name would shadow, confusing generated and user code. */
export const BUILTIN_TYPES: ReadonlySet<string> = new Set(
  (
    'Object Array String Number Boolean Symbol BigInt Function Promise Error Map Set WeakMap WeakSet Date RegExp JSON ' +
    'Math Reflect Proxy Record Partial Required Readonly Pick Omit Exclude Extract Buffer Event EventTarget Uint8Array ' +
    'Infinity NaN Intl URL Headers Request Response'
  ).split(' '),
);

/** Device names Windows refuses as file or folder names, with any extension. */
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

export const MAX_NAME_LENGTH = 100;

export type NameKind = 'message' | 'saga' | 'definition' | 'service' | 'step';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An identifier generated code may declare: not a reserved word, not a global it would shadow. */
export function isSafeIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED_WORDS.has(name) && !BUILTIN_TYPES.has(name);
}

/** Why `name` cannot be used for a thing of `kind`, or undefined when it can. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `is longer than ${MAX_NAME_LENGTH} characters`;
  switch (kind) {
    case 'message':
    case 'saga':
    case 'definition':
      if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) {
        return `must be PascalCase (a capital letter, then letters and digits, like "OrderCreated") because it becomes a TypeScript class and file name`;
      }
      if (BUILTIN_TYPES.has(name)) return `would shadow the JavaScript/TypeScript built-in "${name}" in generated code`;
      if (WINDOWS_DEVICES.test(name)) return `is a reserved device name on Windows and cannot be a file name`;
      return fixedNameProblem(kind, name);
    case 'service':
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) && !/^[a-z][a-zA-Z0-9]*$/.test(name)) {
        return 'must be lower-kebab-case or camelCase (like "order" or "order-history") because it becomes a folder name and an identifier';
      }
      if (RESERVED_WORDS.has(camelCase(name))) return `is a reserved word in TypeScript and cannot become an identifier`;
      if (WINDOWS_DEVICES.test(name)) return `is a reserved device name on Windows and cannot be a folder name`;
      return fixedNameProblem(kind, name);
    case 'step':
      if (!/^[a-z][A-Za-z0-9]*$/.test(name)) return 'must be camelCase (like "payment" or "reserveStock") because it becomes an identifier';
      if (RESERVED_WORDS.has(name)) return `is a reserved word in TypeScript and cannot become an identifier`;
      return undefined;
  }
}

export interface NameCollision<T extends { readonly kind: NameKind; readonly name: string }> {
  /** The later of the two, where the collision is reported. */
  readonly thing: T;
  readonly other: T;
}

/**
 * Names that would produce the same file or identifier (see collisionKey): services among
 * themselves; messages and definitions together (both become types in src/generated/); sagas among
 * themselves and against messages (both become class-like names and files). Steps are per saga.
 */
export function nameCollisions<T extends { readonly kind: NameKind; readonly name: string }>(things: readonly T[]): NameCollision<T>[] {
  const group = (kind: NameKind): string => (kind === 'definition' ? 'message' : kind);
  const seen = new Map<string, T>();
  const out: NameCollision<T>[] = [];
  for (const thing of things) {
    if (thing.kind === 'step') continue;
    const key = collisionKey(thing.name);
    const other = seen.get(`${group(thing.kind)}:${key}`) ?? (thing.kind === 'saga' ? seen.get(`message:${key}`) : undefined);
    if (other !== undefined) out.push({ thing, other });
    else seen.set(`${group(thing.kind)}:${key}`, thing);
  }
  return out;
}
