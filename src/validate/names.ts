// Names in the catalog become TypeScript identifiers, class names and file or folder names in the
// generated project. These rules keep every name usable on every OS and in every generated file.

const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await as any boolean declare get module ' +
    'require number set string symbol type from of async never unknown object bigint undefined arguments eval'
  ).split(' '),
);

/** Globals a generated class of the same name would shadow, confusing generated and user code. */
const BUILTIN_TYPES = new Set(
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
      return undefined;
    case 'service':
      if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name) && !/^[a-z][a-zA-Z0-9]*$/.test(name)) {
        return 'must be lower-kebab-case or camelCase (like "order" or "order-history") because it becomes a folder name and an identifier';
      }
      if (RESERVED_WORDS.has(camelCase(name))) return `is a reserved word in TypeScript and cannot become an identifier`;
      if (WINDOWS_DEVICES.test(name)) return `is a reserved device name on Windows and cannot be a folder name`;
      return undefined;
    case 'step':
      if (!/^[a-z][A-Za-z0-9]*$/.test(name)) return 'must be camelCase (like "payment" or "reserveStock") because it becomes an identifier';
      if (RESERVED_WORDS.has(name)) return `is a reserved word in TypeScript and cannot become an identifier`;
      return undefined;
  }
}

export function camelCase(kebab: string): string {
  return kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Two names that would produce the same file or identifier (case-insensitive file systems, kebab vs camel). */
export function collisionKey(name: string): string {
  return name.replace(/-/g, '').toLowerCase();
}
