// Generated identifiers never collide with each other or with the generated code's own names.
// Reproducers from fuzzing (issue 15): a message `ProcessPaymentV1` beside `ProcessPayment` (TS2308
// in src/generated/index.ts) is refused where it is written; a message `Migration` subscribed by a
// service (TS2300 in src/generated/app/services.ts) generates a project that compiles, as does a
// catalog whose messages are named after every name the generated modules use for themselves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadForGenerateFromSources } from '../../src/generate/load.js';
import { namedThings, planProject } from '../../src/generate/planner.js';
import { FIXED_EXPORTS, nameClashes, sharedNamespace } from '../../src/names/generated.js';
import { nameProblem } from '../../src/names/rules.js';
import { loadProject, loadProjectFromSources } from '../../src/project/load.js';
import { catalogFromObject, EXAMPLE_CATALOG, loadRaw } from './helpers/model.js';
import { generateProject, projectsRoot, typecheckProjects } from './helpers/compile-projects.js';
import { REPO } from './helpers/workspace.js';

const CATALOG = readFileSync(EXAMPLE_CATALOG, 'utf8');
const SAGA_FILE = join(REPO, 'examples/order-system/sagas/order-saga.yaml');
const SAGA = readFileSync(SAGA_FILE, 'utf8');

const event = (name: string, extra = '') => `  ${name}:
    kind: event
    service: order
    topic: extra
    key: orderId
    versions:
      1:
        payload:
          type: object
          required: [orderId]
          properties:
            orderId: { type: string }${extra}
`;

function withMessages(catalog: string, added: string): string {
  return catalog.replace('\nmessages:\n', `\nmessages:\n${added}`);
}

function load(catalog: string, saga = SAGA) {
  return loadProjectFromSources({ catalog: { path: join(REPO, 'examples/order-system/catalog.yaml'), text: catalog }, sagas: [{ path: SAGA_FILE, text: saga }] });
}

describe('the names the generated code exports whatever the catalog holds', () => {
  it('are exactly the reserved list (FIXED_EXPORTS)', async () => {
    const example = await loadProject({ catalogPath: EXAMPLE_CATALOG });
    const files = new Map(planProject(example.project!, { emitters: [] }).files.map((f) => [f.path, f.content]));
    const exported = new Set<string>();
    for (const path of ['src/generated/support.ts', 'src/generated/registry.ts']) {
      for (const m of files.get(path)!.matchAll(/^export (?:declare )?(?:interface|type|class|const|function) ([A-Za-z_$][\w$]*)/gm)) exported.add(m[1]!);
    }
    for (const m of files.get('src/generated/index.ts')!.matchAll(/^export \{([^}]*)\} from '\.\.\/edasaga-runtime\//gm)) {
      for (const part of m[1]!.split(',')) exported.add(part.trim().replace(/^type\s+/, ''));
    }
    expect([...exported].sort()).toEqual([...FIXED_EXPORTS.keys()].sort());
  });
});

describe('names the generated code would declare twice', () => {
  it('refuses a message named like the version type of another, at the name', () => {
    const catalog = withMessages(CATALOG, event('ProcessPaymentV1'));
    const result = load(catalog);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: 'E_DUPLICATE_NAME',
        line: catalog.split('\n').findIndex((l) => l === '  ProcessPaymentV1:') + 1,
        col: 3,
        message: 'message "ProcessPaymentV1" has the same TypeScript name as the payload type of version 1 of message "ProcessPayment": the generated code would not compile',
      }),
    ]);
  });

  it('refuses it in generate too, for a project that skipped validation (one rule set)', () => {
    const raw = loadRaw();
    raw['messages'].ProcessPaymentV1 = raw['messages'].PaymentFailed;
    const plan = planProject({ catalog: catalogFromObject(raw, EXAMPLE_CATALOG), sagas: [] });
    expect(plan.files).toEqual([]);
    expect(plan.diagnostics).toEqual([expect.objectContaining({ code: 'E_GENERATE_NAME', message: expect.stringContaining('"ProcessPaymentV1" has the same TypeScript name as the payload type of version 1 of message "ProcessPayment"') })]);
  });

  it.each([
    ['the envelope type of a message', 'OrderCreatedMessage'],
    ['the data type of a saga', 'OrderSagaData'],
    ['the handlers interface of a service', 'PaymentHandlers'],
  ])('refuses a message named like %s, at the name', (_what, name) => {
    const catalog = withMessages(CATALOG, event(name));
    const line = catalog.split('\n').findIndex((l) => l === `  ${name}:`) + 1;
    expect(load(catalog).diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`)).toEqual([`E_DUPLICATE_NAME@${line}:3`]);
  });

  it.each(['EventEnvelope', 'HandlerContext', 'Decoder', 'Any', 'MessageName'])('refuses message %s: the generated code exports that name already', (name) => {
    const catalog = withMessages(CATALOG, event(name));
    const result = load(catalog);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'E_INVALID_NAME', line: catalog.split('\n').findIndex((l) => l === `  ${name}:`) + 1, col: 3 })]);
    expect(result.diagnostics[0]!.message).toMatch(/generated code already exports/);
  });
});

describe('a catalog named after the generated code itself', () => {
  const root = projectsRoot('name-clashes');
  afterAll(() => {
    if (process.env['KEEP_E2E'] !== '1') import('node:fs').then(({ rmSync }) => rmSync(root, { recursive: true, force: true }));
  });

  /**
   * Every capitalised name a module of the generated order system declares or imports for itself
   * (not made from a catalog name), that the language lets a message have.
   */
  async function ownNames(): Promise<string[]> {
    const example = await loadProject({ catalogPath: EXAMPLE_CATALOG });
    const things = namedThings(example.project!).map((t) => t.thing);
    const fromCatalog = sharedNamespace(things);
    const prefixes = things.filter((t) => t.kind !== 'service').map((t) => t.name);
    // Names of the saga modules first: they take the example's messages' places, which the saga uses.
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

  it('validates, generates and compiles under strict tsc', async () => {
    const names = await ownNames();
    // The scan must find what the wiring and the saga modules use, or the test proves nothing.
    for (const expected of ['Migration', 'ServiceName', 'SagaDefinition', 'SagaData', 'SagaMachine', 'AppHandler']) expect(names).toContain(expected);
    for (const fixed of FIXED_EXPORTS.keys()) expect(names).not.toContain(fixed);

    // The example's 18 messages take the first names (so the saga module and the services module
    // import them), the rest are events the notification service subscribes to.
    const example = loadRaw();
    const originals = Object.keys(example['messages']);
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
    // Nested payload types must be unique across modules too: Parcel's `items` object would be
    // ParcelV1Items, a message's name; Envelope's `options` would be EnvelopeOptions, a support type.
    const nested = '\n            items: { type: object, properties: { sku: { type: string } } }';
    catalog = withMessages(catalog, [...extra.map((n) => event(n)), event('Parcel', nested), event('ParcelV1Items'), event('Boxed', '\n            envelope: { $ref: "#/definitions/Envelope" }')].join(''));
    catalog = catalog.replace('\ndefinitions:\n', '\ndefinitions:\n  Envelope:\n    type: object\n    properties:\n      options: { type: object, properties: { retries: { type: integer } } }\n');
    catalog = catalog.replace(/notification: \[([^\]]*)\]/, (_, list: string) => `notification: [${[list, ...extra, 'Parcel', 'ParcelV1Items', 'Boxed'].join(', ')}]`);

    const loaded = loadForGenerateFromSources({ path: join(root, 'app/catalog.yaml'), text: catalog }, [{ path: join(root, 'app/sagas/order-saga.yaml'), text: saga }]);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const dir = join(root, 'app');
    expect(await generateProject(loaded.project!, dir, loaded.bundle)).toEqual([]);
    const services = readFileSync(join(dir, 'src/generated/app/services.ts'), 'utf8');
    expect(services).toContain('bindHandler(catalog.Migration,');
    const parcel = readFileSync(join(dir, 'src/generated/messages/parcel.ts'), 'utf8');
    expect(parcel).toContain('export interface ParcelV1Items2 {');
    expect(await typecheckProjects(root, [dir])).toBe('');
  }, 180_000);
});
