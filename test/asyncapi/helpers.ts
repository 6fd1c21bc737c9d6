// Shared by the AsyncAPI tests: export a catalog in-process, parse a document with the official
// parser, run the commands' functions with captured output.
import { Parser } from '@asyncapi/parser';
import { resolve } from 'node:path';
import { loadProject } from '../../src/project/load.js';
import { exportDocument, type ExportedDocument } from '../../src/asyncapi/export/document.js';
import { serializeDocument } from '../../src/asyncapi/export/serialize.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const FIXTURES = resolve(import.meta.dirname, 'fixtures');
export const TEMPLATES = ['order-system', 'minimal'] as const;
export const templateCatalog = (name: string) => resolve(REPO, 'examples', name, 'catalog.yaml');

export async function exportCatalog(catalogPath: string, service?: string): Promise<{ document: ExportedDocument; yaml: string; services: string[] }> {
  const loaded = await loadProject({ catalogPath });
  if (!loaded.project || !loaded.refs) throw new Error(`${catalogPath} does not load: ${JSON.stringify(loaded.diagnostics)}`);
  const document = exportDocument(loaded.project, loaded.refs, service === undefined ? {} : { service });
  return { document, yaml: serializeDocument(document, 'yaml'), services: loaded.project.catalog.services.map((s) => s.name) };
}

const parser = new Parser();

/** The official parser's diagnostics of severity error (0), as readable lines. */
export async function parserErrors(text: string): Promise<string[]> {
  const { diagnostics } = await parser.parse(text);
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`);
}

export interface Captured {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export async function capture(run: (out: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } }) => number | Promise<number>): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const code = await run({ stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { stdout, stderr, code };
}
