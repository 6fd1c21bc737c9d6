// One rule set for names (src/names/): whatever `validate` accepts, `generate` generates. Checked
// over generated names of every kind put into the example in place of one of its own: a service,
// a message, a definition, the saga, a step. Names come from the language's alphabets (kebab,
// camel and PascalCase), from any short text, and from a list of known troublemakers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planProject } from '../../src/generate/planner.js';
import { FIXED_EXPORTS } from '../../src/names/generated.js';
import { BUILTIN_TYPES, RESERVED_WORDS, nameProblem, type NameKind } from '../../src/names/rules.js';
import { loadProjectFromSources } from '../../src/project/load.js';

const ROOT = join(import.meta.dirname, '../..');
const CATALOG_FILE = join(ROOT, 'examples/order-system/catalog.yaml');
const SAGA_FILE = join(ROOT, 'examples/order-system/sagas/order-saga.yaml');
const CATALOG = readFileSync(CATALOG_FILE, 'utf8');
const SAGA = readFileSync(SAGA_FILE, 'utf8');

/** Where each kind of name is written in the example, and how to put another one there. */
const PLACES: Record<Exclude<NameKind, never>, (name: string) => { catalog: string; saga: string }> = {
  service: (name) => ({ catalog: CATALOG.replace(/^(\s+)notification:/gm, `$1${JSON.stringify(name)}:`), saga: SAGA }),
  message: (name) => {
    const word = /\bPaymentRefunded\b/g;
    return { catalog: CATALOG.replace(/^  PaymentRefunded:/m, `  ${JSON.stringify(name)}:`).replace(word, JSON.stringify(name)), saga: SAGA.replace(word, JSON.stringify(name)) };
  },
  definition: (name) => ({
    catalog: CATALOG.replace(/^  Address:/m, `  ${JSON.stringify(name)}:`).replaceAll('"#/definitions/Address"', JSON.stringify(`#/definitions/${name}`)),
    saga: SAGA,
  }),
  saga: (name) => ({ catalog: CATALOG, saga: SAGA.replace(/^  name: OrderSaga$/m, `  name: ${JSON.stringify(name)}`) }),
  step: (name) => ({ catalog: CATALOG, saga: SAGA.replace(/^    - name: inventory$/m, `    - name: ${JSON.stringify(name)}`) }),
};

const troublemakers = [
  ...RESERVED_WORDS,
  ...BUILTIN_TYPES,
  ...FIXED_EXPORTS.keys(),
  'greeterBot', 'greeter-bot', 'aB', 'a1', 'x-1', 'order-2x', 'HTTPRequest2', 'ABC', 'A', 'Migration', 'ServiceName', 'SagaData', 'NAME', 'TYPE',
  'ProcessPaymentV1', 'OrderCreatedMessage', 'OrderSagaData', 'PaymentHandlers', 'Order', 'OrderSaga', 'con', 'Com1', 'LPT9', 'Aux',
  'a--b', '-a', 'a-', 'Über', 'a b', 'a.b', 'a/b', '..', '__proto__', '', 'x'.repeat(101), 'X'.repeat(100),
];

const letters = 'abcdefghijklmnopqrstuvwxyz';
const nameArb = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}$/),
  fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,10}$/),
  fc.stringMatching(/^[A-Z][a-zA-Z0-9]{0,12}$/),
  fc.string({ unit: fc.constantFrom(...letters, ...letters.toUpperCase(), ...'0123456789-_ .$/é'), maxLength: 12 }),
  fc.constantFrom(...troublemakers),
);

/** Every validator module, as if compiled: the name rules do not depend on them, ajv only costs time. */
function noCompiling(names: readonly string[]) {
  return new Map(names.map((n) => [n, { content: '', inputHash: '' }]));
}

describe('name rules shared by validate and generate', () => {
  it.each(Object.keys(PLACES) as NameKind[])('a %s name validate accepts is one generate generates', (kind) => {
    let accepted = 0;
    fc.assert(
      fc.property(nameArb, (name) => {
        const { catalog, saga } = PLACES[kind](name);
        const loaded = loadProjectFromSources({ catalog: { path: CATALOG_FILE, text: catalog }, sagas: [{ path: SAGA_FILE, text: saga }] });
        if (loaded.project === undefined) return;
        accepted++;
        expect(nameProblem(kind, name)).toBeUndefined();
        const plan = planProject(loaded.project, { precompiled: noCompiling(loaded.project.catalog.messages.map((m) => m.name)) });
        expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(plan.files.length).toBeGreaterThan(100);
      }),
      { seed: 15_11, numRuns: 60 },
    );
    // The property must have been tried on names that pass, or it proves nothing.
    expect(accepted).toBeGreaterThan(10);
  });

  it('generates a camelCase service (greeterBot) into its kebab-case folder', () => {
    const { catalog, saga } = PLACES.service('greeterBot');
    const loaded = loadProjectFromSources({ catalog: { path: CATALOG_FILE, text: catalog }, sagas: [{ path: SAGA_FILE, text: saga }] });
    expect(loaded.diagnostics).toEqual([]);
    const plan = planProject(loaded.project!, { precompiled: noCompiling(loaded.project!.catalog.messages.map((m) => m.name)) });
    expect(plan.diagnostics).toEqual([]);
    const paths = plan.files.map((f) => f.path);
    expect(paths).toContain('src/services/greeter-bot/handlers.ts');
    expect(paths).toContain('src/generated/services/greeter-bot.ts');
    expect(plan.files.find((f) => f.path === 'src/services/greeter-bot/handlers.ts')!.content).toContain('export const greeterBotHandlers = {');
  });

  it('refuses a bad service name once, where it is declared', () => {
    const { catalog, saga } = PLACES.service('Greeter_Bot');
    const loaded = loadProjectFromSources({ catalog: { path: CATALOG_FILE, text: catalog }, sagas: [{ path: SAGA_FILE, text: saga }] });
    expect(loaded.diagnostics.map((d) => `${d.code}@${d.line}`)).toEqual(['E_INVALID_NAME@22']);
  });
});
