// Adds missing members (and the imports they need) to a user-owned file by inserting text at
// positions found with the TypeScript parser. The file is never reprinted: every byte the user wrote
// stays where it was. ts-morph is loaded only when a user file actually has to be inspected.
import type { UserFileExtension } from './plan.js';

export type ExtendOutcome =
  | { readonly ok: true; readonly text: string; readonly added: readonly string[] }
  | { readonly ok: false; readonly reason: string };

type Ts = typeof import('ts-morph').ts;

interface Insertion {
  readonly at: number;
  readonly text: string;
}

function memberName(ts: Ts, name: import('ts-morph').ts.PropertyName | undefined, source: import('ts-morph').ts.SourceFile): string | undefined {
  if (name === undefined) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return name.getText(source);
}

function unwrap(ts: Ts, node: import('ts-morph').ts.Expression): import('ts-morph').ts.Expression {
  let current = node;
  while (ts.isSatisfiesExpression(current) || ts.isAsExpression(current) || ts.isParenthesizedExpression(current) || ts.isTypeAssertionExpression(current)) {
    current = current.expression;
  }
  return current;
}

export async function loadTs(): Promise<Ts> {
  const { ts } = await import('ts-morph');
  return ts;
}

export function extendSource(ts: Ts, text: string, path: string, extension: UserFileExtension): ExtendOutcome {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  let members: { existing: Set<string>; closeBrace: number; needsComma: boolean; isClass: boolean } | undefined;
  for (const statement of source.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || declaration.name.text !== extension.container || declaration.initializer === undefined) continue;
        const object = unwrap(ts, declaration.initializer);
        if (!ts.isObjectLiteralExpression(object)) return { ok: false, reason: `"${extension.container}" is not an object literal` };
        const existing = new Set<string>();
        for (const property of object.properties) {
          const name = ts.isShorthandPropertyAssignment(property) ? property.name.text : ts.isSpreadAssignment(property) ? undefined : memberName(ts, property.name, source);
          if (name !== undefined) existing.add(name);
        }
        const needsComma = object.properties.length > 0 && !object.properties.hasTrailingComma;
        members = { existing, closeBrace: object.getEnd() - 1, needsComma, isClass: false };
      }
    } else if (ts.isClassDeclaration(statement) && statement.name?.text === extension.container) {
      const existing = new Set<string>();
      for (const member of statement.members) {
        const name = memberName(ts, member.name, source);
        if (name !== undefined) existing.add(name);
      }
      members = { existing, closeBrace: statement.getEnd() - 1, needsComma: false, isClass: true };
    }
  }
  if (members === undefined) return { ok: false, reason: `no exported object or class named "${extension.container}" was found` };

  const missing = extension.members.filter((m) => !members.existing.has(m.name));
  if (missing.length === 0) return { ok: true, text, added: [] };

  const insertions: Insertion[] = [];
  const lastProperty = members.needsComma ? findLastPropertyEnd(ts, source, extension.container) : undefined;
  if (lastProperty !== undefined) insertions.push({ at: lastProperty, text: ',' });
  // Member texts are written for object literals; a class body takes no commas between members.
  let addition = missing.map((m) => (members.isClass ? m.text.replace(/,(\s*)$/, '$1') : m.text)).join('');
  // Keep the file's line endings.
  if (text.includes('\r\n')) addition = addition.replace(/\r?\n/g, '\r\n');
  const lineStart = text.lastIndexOf('\n', members.closeBrace - 1) + 1;
  if (text.slice(lineStart, members.closeBrace).trim() === '') insertions.push({ at: lineStart, text: addition });
  else insertions.push({ at: members.closeBrace, text: `\n${addition}` });

  insertions.push(...importInsertions(ts, source, text, extension, addition));
  let result = text;
  for (const insertion of insertions.sort((a, b) => b.at - a.at)) {
    result = result.slice(0, insertion.at) + insertion.text + result.slice(insertion.at);
  }
  return { ok: true, text: result, added: missing.map((m) => m.name) };
}

function findLastPropertyEnd(ts: Ts, source: import('ts-morph').ts.SourceFile, container: string): number | undefined {
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === container && declaration.initializer !== undefined) {
        const object = unwrap(ts, declaration.initializer);
        if (ts.isObjectLiteralExpression(object)) return object.properties[object.properties.length - 1]?.getEnd();
      }
    }
  }
  return undefined;
}

/** Names the inserted text uses that the file does not import yet, added to the matching import. */
function importInsertions(ts: Ts, source: import('ts-morph').ts.SourceFile, text: string, extension: UserFileExtension, addition: string): Insertion[] {
  const insertions: Insertion[] = [];
  const imports = source.statements.filter(ts.isImportDeclaration);
  for (const [specifier, names] of Object.entries(extension.imports ?? {})) {
    const declaration = imports.find((d) => ts.isStringLiteral(d.moduleSpecifier) && d.moduleSpecifier.text === specifier);
    const imported = new Set<string>();
    for (const d of imports) {
      const bindings = d.importClause?.namedBindings;
      if (bindings !== undefined && ts.isNamedImports(bindings)) for (const e of bindings.elements) imported.add(e.name.text);
    }
    const needed = names.filter((n) => !imported.has(n) && new RegExp(`\\b${n}\\b`).test(addition));
    if (needed.length === 0) continue;
    const bindings = declaration?.importClause?.namedBindings;
    if (declaration !== undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0) {
      const typeOnly = declaration.importClause?.isTypeOnly === true;
      const last = bindings.elements[bindings.elements.length - 1];
      if (last === undefined) continue;
      insertions.push({ at: last.getEnd(), text: needed.map((n) => `, ${typeOnly ? '' : 'type '}${n}`).join('') });
    } else {
      const line = `import type { ${needed.join(', ')} } from '${specifier}';`;
      const lastImport = imports[imports.length - 1];
      if (lastImport !== undefined) insertions.push({ at: lastImport.getEnd(), text: `\n${line}` });
      else {
        const first = source.statements[0];
        insertions.push({ at: first === undefined ? text.length : first.getStart(source), text: `${line}\n` });
      }
    }
  }
  return insertions;
}
