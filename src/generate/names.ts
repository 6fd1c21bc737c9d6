// Turning catalog text into file names, literals and comments that are safe to put in generated
// code. Catalog names are validated before they reach here (by the rules in src/names/, which the
// planner applies again); these checks are the last line of defence so that nothing from a catalog
// can escape a comment, a string or the output directory.

import { kebabCase } from '../names/case.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

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
