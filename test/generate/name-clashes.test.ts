// Generated identifiers never collide with each other or with the generated code's own names.
// Reproducer from fuzzing (issue 15): a message `ProcessPaymentV1` beside `ProcessPayment` (TS2308
// in src/generated/index.ts) is refused where it is written, by validate and by generate. (That a
// message `Migration` and the like generate a project that compiles: compiles.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planProject } from '../../src/generate/planner.js';
import { FIXED_EXPORTS } from '../../src/names/generated.js';
import { loadProject, loadProjectFromSources } from '../../src/project/load.js';
import { catalogFromObject, EXAMPLE_CATALOG, loadRaw } from './helpers/model.js';
import { REPO } from './helpers/workspace.js';
import { eventYaml, withMessages } from './helpers/catalog-text.js';

const CATALOG = readFileSync(EXAMPLE_CATALOG, 'utf8');
const SAGA_FILE = join(REPO, 'examples/order-system/sagas/order-saga.yaml');
const SAGA = readFileSync(SAGA_FILE, 'utf8');

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
    for (const m of files.get('src/generated/index.ts')!.matchAll(/^export \{([^}]*)\} from '\.\/runtime\//gm)) {
      for (const part of m[1]!.split(',')) exported.add(part.trim().replace(/^type\s+/, ''));
    }
    expect([...exported].sort()).toEqual([...FIXED_EXPORTS.keys()].sort());
  });
});

describe('names the generated code would declare twice', () => {
  it('refuses a message named like the version type of another, at the name', () => {
    const catalog = withMessages(CATALOG, eventYaml('ProcessPaymentV1'));
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
    const catalog = withMessages(CATALOG, eventYaml(name));
    const line = catalog.split('\n').findIndex((l) => l === `  ${name}:`) + 1;
    expect(load(catalog).diagnostics.map((d) => `${d.code}@${d.line}:${d.col}`)).toEqual([`E_DUPLICATE_NAME@${line}:3`]);
  });

  it.each(['EventEnvelope', 'HandlerContext', 'Decoder', 'Any', 'MessageName'])('refuses message %s: the generated code exports that name already', (name) => {
    const catalog = withMessages(CATALOG, eventYaml(name));
    const result = load(catalog);
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'E_INVALID_NAME', line: catalog.split('\n').findIndex((l) => l === `  ${name}:`) + 1, col: 3 })]);
    expect(result.diagnostics[0]!.message).toMatch(/generated code already exports/);
  });
});
