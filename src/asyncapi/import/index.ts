// `edasaga import asyncapi` as a function: read the document (read.ts), let the reader for its
// version say what is in it (read-v2.ts, read-v3.ts), build the catalog (catalog.ts) and its text
// (write-catalog.ts). Writes nothing; run.ts does.

import { dirname, relative, sep } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import { hasErrors } from '../../core/diagnostics.js';
import { buildCatalog, type ImportedCatalog } from './catalog.js';
import type { Loc } from './model.js';
import { Reader } from './model.js';
import { readSpec } from './read.js';
import { readV2 } from './read-v2.js';
import { readV3 } from './read-v3.js';
import { writeCatalog } from './write-catalog.js';

export interface ImportResult {
  /** The catalog's text; undefined when an error stopped the import. */
  readonly text: string | undefined;
  readonly catalog: ImportedCatalog | undefined;
  /** Located in the AsyncAPI document (and the files it references). */
  readonly diagnostics: readonly Diagnostic[];
  readonly sources: { text(file: string): string | undefined };
}

export function importAsyncApi(specPath: string, outPath: string): ImportResult {
  const read = readSpec(specPath);
  const empty = { text: () => undefined };
  if (read.spec === undefined || hasErrors(read.diagnostics)) return { text: undefined, catalog: undefined, diagnostics: read.diagnostics, sources: read.spec?.sources ?? empty };
  const spec = read.spec;
  const reader = new Reader(spec);
  reader.diagnostics.push(...read.diagnostics);
  const api = spec.major === 2 ? readV2(reader) : readV3(reader);
  const catalog = buildCatalog(reader, api);
  const diagnostics = reader.diagnostics;
  if (hasErrors(diagnostics)) return { text: undefined, catalog: undefined, diagnostics, sources: spec.sources };

  const places = [
    ...catalog.messages.flatMap((m) => m.sources.map((at) => ({ name: m.name, at }))),
    ...catalog.skipped.map((s) => ({ name: s.name, at: s.at })),
  ];
  const belongsTo = (at: Loc | undefined): string | undefined =>
    at === undefined ? undefined : places.find((p) => p.at.file === at.file && (at.pointer === p.at.pointer || at.pointer.startsWith(`${p.at.pointer}/`)))?.name;
  const outDir = dirname(outPath);
  const showPath = (file: string) => {
    const rel = relative(outDir, file);
    return rel === '' || rel.startsWith(`..${sep}..`) ? file : rel.split(sep).join('/');
  };
  const text = writeCatalog({
    catalog,
    from: showPath(spec.file),
    version: spec.version,
    notes: diagnostics.filter((d) => d.severity === 'warning').map((d) => ({ message: belongsTo(reader.warningAt.get(d)), diagnostic: d })),
    showPath,
  });
  return { text, catalog, diagnostics, sources: spec.sources };
}
