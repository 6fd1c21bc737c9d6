// The imported catalog as YAML people will go on editing: the sections in the order of
// docs/language.md, small leaf schemas on one line (`{ type: string, format: uuid }`) as in the
// examples, and every import warning as a comment beside what it is about (the top of the file for
// the document as a whole), with where in the AsyncAPI document it came from. Messages that could
// not be imported are listed, commented, where they would have been.

import type { Diagnostic } from '../../core/diagnostics.js';
import { yamlLib } from '../../loader/yaml-lib.js';
import type { CatalogMessage, ImportedCatalog } from './catalog.js';

export interface CatalogText {
  readonly catalog: ImportedCatalog;
  /** Shown in the header: the document's path as the user should read it, and its version. */
  readonly from: string;
  readonly version: string;
  /** Warnings with the message they belong to (undefined: the document as a whole). */
  readonly notes: readonly { readonly message: string | undefined; readonly diagnostic: Diagnostic }[];
  /** How a diagnostic's file is shown in a comment. */
  readonly showPath: (file: string) => string;
}

export function writeCatalog(input: CatalogText): string {
  const { catalog } = input;
  const note = (d: Diagnostic) => `# ${input.showPath(d.file ?? input.from)}${d.line === undefined ? '' : `:${d.line}:${d.col ?? 1}`}: ${d.code}: ${oneLine(d.message)}`;
  const notesFor = (message: string | undefined) => input.notes.filter((n) => n.message === message).map((n) => note(n.diagnostic));

  const out: string[] = [
    `# Imported from ${input.from} (AsyncAPI ${input.version}) by \`edasaga import asyncapi\`. Check it with \`edasaga validate\`.`,
    '# Mapping and conventions: docs/asyncapi.md of edasaga.',
    ...notesFor(undefined),
    'edasaga: 1',
    section('catalog', catalog.head),
    section('services', catalog.services),
  ];
  if (Object.keys(catalog.definitions).length > 0) out.push(section('definitions', catalog.definitions));
  out.push('messages:');
  if (catalog.messages.length === 0) out.push('  {}');
  for (const message of catalog.messages) out.push(...messageText(message, notesFor(message.name)));
  for (const s of catalog.skipped) {
    out.push(...notesFor(s.name).map((n) => `  ${n}`), `  # ${s.name}: not imported (${oneLine(s.reason)}).`);
  }
  if (Object.keys(catalog.subscriptions).length > 0) out.push(section('subscriptions', catalog.subscriptions));
  return `${out.join('\n')}\n`;
}

function messageText(message: CatalogMessage, notes: readonly string[]): string[] {
  const body = stringify({ [message.name]: message.body });
  return [...notes.map((n) => `  ${n}`), ...body.trimEnd().split('\n').map((line) => `  ${line}`)];
}

function section(key: string, value: unknown): string {
  return stringify({ [key]: value }).trimEnd();
}

function stringify(value: unknown): string {
  const { Document, isScalar, isSeq, visit } = yamlLib();
  const doc = new Document(value);
  // Only below a section's (or message's) own level: `catalog:` and `OrderCreated:` stay blocks.
  const deep = (path: readonly unknown[]) => path.length >= 3;
  visit(doc, {
    // Version numbers (and any other all-digit key) read back as the same string keys either way.
    Pair(_, pair) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && /^[1-9][0-9]{0,8}$/.test(pair.key.value)) pair.key.value = Number(pair.key.value);
    },
    Map(_, node, path) {
      if (deep(path) && node.items.length > 0 && node.items.length <= 6 && node.items.every((p) => isScalar(p.value) || (isSeq(p.value) && p.value.items.every(isScalar))) && short(node.toJSON())) node.flow = true;
    },
    Seq(_, node, path) {
      if (deep(path) && node.items.length > 0 && node.items.every(isScalar) && short(node.toJSON())) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

function short(value: unknown): boolean {
  return JSON.stringify(value).length <= 90;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
