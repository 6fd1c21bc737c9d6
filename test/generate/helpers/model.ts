// Builds a Project from catalog YAML without the full loader: enough for generator tests, which
// exercise generation rather than validation. Locations are approximate (line 1).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { Catalog, JsonSchema, Message, MessageKind, Project } from '../../../src/model/types.js';

export const EXAMPLE_CATALOG = resolve(import.meta.dirname, '../../../examples/order-system/catalog.yaml');

type Raw = Record<string, any>;

export function catalogFromObject(raw: Raw, file: string): Catalog {
  const loc = { file, line: 1, col: 1 };
  const messages: Message[] = Object.entries((raw['messages'] ?? {}) as Raw).map(([name, m]) => ({
    name,
    kind: m.kind as MessageKind,
    service: m.service,
    topic: m.topic,
    key: m.key,
    ...(m.description === undefined ? {} : { description: m.description }),
    compatibility: m.compatibility ?? 'BACKWARD',
    versions: Object.entries(m.versions as Raw)
      .map(([v, body]) => ({
        version: Number(v),
        ...(body.description === undefined ? {} : { description: body.description }),
        payload: body.payload as JsonSchema,
        loc,
        pointer: `/messages/${name}/versions/${v}/payload`,
      }))
      .sort((a, b) => a.version - b.version),
    acceptedBreaks: [],
    loc,
  }));
  return {
    file,
    name: raw['catalog'].name,
    namespace: raw['catalog'].namespace,
    services: Object.entries((raw['services'] ?? {}) as Raw).map(([name, s]) => ({ name, ...(s?.description ? { description: s.description } : {}), loc })),
    definitions: raw['definitions'] ?? {},
    messages,
    subscriptions: Object.entries((raw['subscriptions'] ?? {}) as Raw).flatMap(([service, list]) =>
      (list as string[]).map((message) => ({ service, message, loc })),
    ),
  };
}

export function loadRaw(file = EXAMPLE_CATALOG): Raw {
  return parse(readFileSync(file, 'utf8')) as Raw;
}

export function projectFromYaml(file = EXAMPLE_CATALOG): Project {
  return { catalog: catalogFromObject(loadRaw(file), file), sagas: [] };
}

// ---- through the real load pipeline (validation included) ---------------------------------------

import { stringify } from 'yaml';
import type { JsonSchema as Schema } from '../../../src/model/types.js';
import { loadForGenerate, loadForGenerateFromSources } from '../../../src/generate/load.js';

export interface Loaded {
  readonly project: Project;
  readonly bundle: (payload: Schema) => Schema;
}

function ensure(loaded: Awaited<ReturnType<typeof loadForGenerate>>): Loaded {
  if (loaded.project === undefined || loaded.bundle === undefined) {
    throw new Error(`the catalog does not load:\n${loaded.diagnostics.map((d) => `${d.file}:${d.line}: ${d.code} ${d.message}`).join('\n')}`);
  }
  return { project: loaded.project, bundle: loaded.bundle };
}

/** The example with its sagas, loaded exactly as `edasaga generate` loads it. */
export async function loadExample(): Promise<Loaded> {
  return ensure(await loadForGenerate(EXAMPLE_CATALOG));
}

/** The example catalog edited as data (no sagas, so edits need not keep the saga valid). */
export function loadEditedExample(edit: (raw: Raw) => void = () => undefined): Loaded {
  const raw = loadRaw();
  edit(raw);
  return ensure(loadForGenerateFromSources({ path: EXAMPLE_CATALOG, text: stringify(raw) }));
}
