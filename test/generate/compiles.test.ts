// Catalogs that validate generate projects that compile under the generated strict tsconfig: the
// reproducers the fuzzers found (issue 15, and test/cli/fuzz.test.ts), each a whole project (the
// wiring and the saga modules included), all type-checked in one tsc run.
// - Messages named after every name the generated modules use for themselves (Migration was TS2300
//   in src/generated/app/services.ts), nested payload types whose natural names are taken
//   (Parcel's `items` beside a message ParcelV1Items; Envelope's `options` beside EnvelopeOptions),
//   and a camelCase service (greeterBot, which generate refused).
// - A saga reply whose field is optional (ShipmentFailed without `required`): the builder of a
//   message that requires the field read it from that reply last, as `string | undefined` (TS2322).
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadForGenerateFromSources } from '../../src/generate/load.js';
import { namedThings, planProject } from '../../src/generate/planner.js';
import { FIXED_EXPORTS, nameClashes, sharedNamespace } from '../../src/names/generated.js';
import { nameProblem } from '../../src/names/rules.js';
import { loadProject } from '../../src/project/load.js';
import { EXAMPLE_CATALOG, loadRaw } from './helpers/model.js';
import { generateProject, projectsRoot, typecheckProjects } from './helpers/compile-projects.js';
import { REPO } from './helpers/workspace.js';
import { eventYaml, withMessages } from './helpers/catalog-text.js';

const CATALOG = readFileSync(EXAMPLE_CATALOG, 'utf8');
const SAGA = readFileSync(join(REPO, 'examples/order-system/sagas/order-saga.yaml'), 'utf8');

/**
 * Every capitalised name a module of the generated order system declares or imports for itself
 * (not made from a catalog name) that the language lets a message have; the saga modules' first,
 * as they take the places of the example's messages, which the saga uses.
 */
async function ownNames(): Promise<string[]> {
  const example = await loadProject({ catalogPath: EXAMPLE_CATALOG });
  const things = namedThings(example.project!).map((t) => t.thing);
  const fromCatalog = sharedNamespace(things);
  const prefixes = things.filter((t) => t.kind !== 'service').map((t) => t.name);
  const found = new Map<string, number>();
  const add = (name: string, rank: number) => found.set(name, Math.min(rank, found.get(name) ?? rank));
  for (const file of planProject(example.project!).files) {
    if (!file.path.endsWith('.ts') || file.path.startsWith('src/edasaga-runtime/')) continue;
    const rank = /sagas\//.test(file.path) ? 0 : 1;
    for (const m of file.content.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const part of m[1]!.split(',')) add(part.trim().replace(/^type\s+/, '').split(/\s+as\s+/).pop()!.trim(), rank);
    }
    for (const m of file.content.matchAll(/(?:^|\n)\s*(?:export\s+)?(?:declare\s+)?(?:interface|type|class|const|let|function|enum)\s+([A-Za-z_$][\w$]*)/g)) add(m[1]!, rank);
    for (const m of file.content.matchAll(/\b[a-z]\w*\.([A-Z]\w*)\b/g)) add(m[1]!, rank); // engine.SagaMachine, ...
  }
  return [...found]
    .filter(([n]) => /^[A-Z]/.test(n) && !fromCatalog.has(n) && !prefixes.some((p) => n.startsWith(p)) && nameProblem('message', n) === undefined)
    .sort(([a, ra], [b, rb]) => ra - rb || a.localeCompare(b))
    .map(([n]) => n)
    // Two of them may clash with each other (Transport and TransportMessage): keep the first.
    .reduce<string[]>((kept, n) => (nameClashes([...kept, n].map((name) => ({ kind: 'message', name, versions: [1] }))).length === 0 ? [...kept, n] : kept), []);
}

/** The example with its messages renamed after `names` and the rest added as subscribed events. */
function hostileCatalog(names: readonly string[]): { catalog: string; saga: string } {
  const originals = Object.keys(loadRaw()['messages']);
  let catalog = CATALOG;
  let saga = SAGA;
  originals.forEach((original, i) => {
    const replacement = names[i];
    if (replacement === undefined) return;
    const word = new RegExp(`\\b${original}\\b`, 'g');
    catalog = catalog.replace(word, replacement);
    saga = saga.replace(word, replacement);
  });
  const extra = names.slice(originals.length);
  const nested = '\n            items: { type: object, properties: { sku: { type: string } } }';
  catalog = withMessages(catalog, [...extra.map((n) => eventYaml(n)), eventYaml('Parcel', nested), eventYaml('ParcelV1Items'), eventYaml('Boxed', '\n            envelope: { $ref: "#/definitions/Envelope" }')].join(''));
  catalog = catalog.replace('\ndefinitions:\n', '\ndefinitions:\n  Envelope:\n    type: object\n    properties:\n      options: { type: object, properties: { retries: { type: integer } } }\n');
  catalog = catalog.replace(/notification: \[([^\]]*)\]/, (_, list: string) => `notification: [${[list, ...extra, 'Parcel', 'ParcelV1Items', 'Boxed'].join(', ')}]`);
  // And a camelCase service (issue 11: it validated, then generate refused it).
  catalog = catalog.replace(/^(\s+)notification:/gm, '$1greeterBot:');
  return { catalog, saga };
}

/** The example with ShipmentFailed's fields all optional (what case 102 of a fuzz run did). */
function optionalReplyField(): { catalog: string; saga: string } {
  const at = CATALOG.indexOf('  ShipmentFailed:');
  const catalog = CATALOG.slice(0, at) + CATALOG.slice(at).replace('required: [orderId, reason]', 'required: []');
  expect(catalog).not.toBe(CATALOG);
  return { catalog, saga: SAGA };
}

describe('catalogs that validate, generated whole', () => {
  const root = projectsRoot('compiles');
  const projects = { hostile: join(root, 'hostile'), optional: join(root, 'optional') };
  let names: string[];
  afterAll(() => {
    if (process.env['KEEP_E2E'] !== '1') rmSync(root, { recursive: true, force: true });
  });

  beforeAll(async () => {
    names = await ownNames();
    for (const [label, { catalog, saga }] of [['hostile', hostileCatalog(names)], ['optional', optionalReplyField()]] as const) {
      const dir = projects[label];
      const loaded = loadForGenerateFromSources({ path: join(dir, 'catalog.yaml'), text: catalog }, [{ path: join(dir, 'sagas/order-saga.yaml'), text: saga }]);
      expect(loaded.diagnostics.filter((d) => d.severity === 'error'), label).toEqual([]);
      expect(await generateProject(loaded.project!, dir, loaded.bundle), label).toEqual([]);
    }
  }, 60_000);

  it('the hostile names are the ones the wiring and the saga modules use (or the test proves nothing)', () => {
    for (const expected of ['Migration', 'ServiceName', 'SagaDefinition', 'SagaData', 'SagaMachine', 'AppHandler']) expect(names).toContain(expected);
    for (const fixed of FIXED_EXPORTS.keys()) expect(names).not.toContain(fixed);
    expect(readFileSync(join(projects.hostile, 'src/generated/app/services.ts'), 'utf8')).toContain('bindHandler(catalog.Migration,');
    expect(readFileSync(join(projects.hostile, 'src/generated/messages/parcel.ts'), 'utf8')).toContain('export interface ParcelV1Items2 {');
    expect(readFileSync(join(projects.hostile, 'src/services/greeter-bot/handlers.ts'), 'utf8')).toContain('export const greeterBotHandlers = {');
  });

  it('the builder reads an optional field from no reply last', () => {
    const builders = readFileSync(join(projects.optional, 'src/sagas/order-saga.ts'), 'utf8');
    expect(builders).toContain('reason: data.replies.PaymentFailed?.reason ?? data.replies.ShipmentFailed?.reason ?? requireReply(data, "InventoryReservationFailed").reason,');
  });

  it('all compile under strict tsc', async () => {
    expect(await typecheckProjects(root, Object.values(projects))).toBe('');
  }, 180_000);
});
