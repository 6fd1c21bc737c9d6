// Turning catalog names into identifiers, file names and literals that are safe to put in generated
// code. Catalog names are validated before they reach here; these checks are the last line of defence
// so that nothing from a catalog can escape a comment, a string or the output directory.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

// Words that cannot name a binding in an ES module (strict mode), plus names that would shadow
// globals the generated code uses.
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void while ' +
    'with yield let static implements interface package private protected public await arguments eval ' +
    'undefined NaN Infinity Object Array String Number Boolean Error Promise Record Readonly JSON Map Set'
  ).split(' '),
);

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** `OrderCreated` -> `order-created`, `HTTPRequest2` -> `http-request2`. Only for validated identifiers. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

/** `shipping-address` / `shipping_address` / `shippingAddress` -> `ShippingAddress`. */
export function pascalCase(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
  const joined = parts.map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

/** `order-service` -> `orderService`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** A path segment (file or folder name) derived from a catalog name; throws if it could be unsafe. */
export function pathSegment(name: string): string {
  const segment = kebabCase(name);
  if (!SEGMENT.test(segment)) throw new Error(`unsafe path segment ${JSON.stringify(name)}`);
  return segment;
}

/** A string literal for any text (JSON escaping is a subset of JS string escaping). */
export function stringLiteral(text: string): string {
  // U+2028/2029 are legal in JS strings since ES2019 but break older tools; escape them anyway.
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A property key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/** `data.orderId` or `data["order-id"]`. */
export function propertyAccess(target: string, name: string): string {
  return IDENTIFIER.test(name) ? `${target}.${name}` : `${target}[${stringLiteral(name)}]`;
}

/** Splits catalog text into lines that are safe inside a block or line comment. */
function commentLines(text: string): string[] {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(/\*\//g, '*\\/')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .split('\n')
    .map((line) => line.trimEnd());
}

/** A JSDoc block with the given paragraphs (empty ones dropped), indented by `indent`. */
export function jsDoc(paragraphs: readonly (string | undefined)[], indent = ''): string {
  const lines: string[] = [];
  for (const paragraph of paragraphs) {
    if (paragraph === undefined || paragraph.trim() === '') continue;
    if (lines.length > 0 && !paragraph.startsWith('@')) lines.push('');
    lines.push(...commentLines(paragraph.trim()));
  }
  if (lines.length === 0) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)).join('\n')}\n${indent} */\n`;
}

/** A single `//` comment line: newlines and line separators can never end it early. */
export function lineComment(text: string): string {
  return `// ${commentLines(text).join(' ')}`;
}
