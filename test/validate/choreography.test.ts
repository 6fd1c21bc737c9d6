// The checks of a choreography (docs/language.md, "Checks of a choreography"): the contract's
// declaration validates clean; each rule, broken on purpose, gives exactly one located error that
// names the path proving it; the reference checks and the correlation key give one error each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic, DiagnosticCode } from '../../src/core/diagnostics.js';
import { flowDiagnostics, MAX_PATHS, type FlowReaction } from '../../src/validate/choreography-paths.js';
import { loadProjectFromSources } from '../../src/project/load.js';
import { REPO } from '../generate/helpers/workspace.js';
import { applyEdits, CASES } from './choreography-cases.js';

const DIR = join(REPO, 'test/fixtures/choreography');
const CATALOG = readFileSync(join(DIR, 'catalog.yaml'), 'utf8');
const SAGA = readFileSync(join(DIR, 'sagas/order-flow.yaml'), 'utf8');

function validate(edits: readonly (readonly [string, string])[], catalog = CATALOG): Diagnostic[] {
  const text = applyEdits(SAGA, edits);
  return loadProjectFromSources({ catalog: { path: join(DIR, 'catalog.yaml'), text: catalog }, sagas: [{ path: join(DIR, 'sagas/order-flow.yaml'), text }] }).diagnostics;
}

function only(diags: readonly Diagnostic[]): Diagnostic {
  expect(diags.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`)).toHaveLength(1);
  return diags[0]!;
}

const expected: Record<string, { code: string; at: string; text: string }> = {
  'CHOREO001 a declined payment nobody handles': { code: 'E_CHOREO_UNHANDLED_FAILURE', at: '14:19', text: 'OrderCreated → charge → PaymentDeclined → (no reaction)' },
  'CHOREO002 a refund that misses the later failure': {
    code: 'E_CHOREO_NOT_UNDONE',
    at: '15:21',
    text: 'its compensation "refund" does not run on OrderCreated → charge → PaymentCompleted → reserve → InventoryReserved → schedule → ShipmentFailed → cancel → OrderCancelled',
  },
  'CHOREO002 a charge with no compensation': { code: 'E_CHOREO_NOT_UNDONE', at: '10:13', text: 'OrderCreated → charge → PaymentCompleted → reserve → InventoryReservationFailed → cancel → OrderCancelled' },
  'CHOREO003 a confirmation that is not terminal': { code: 'E_CHOREO_DEAD_END', at: '30:18', text: 'OrderCreated → charge → PaymentCompleted → reserve → InventoryReserved → schedule → ShipmentScheduled → confirm → OrderConfirmed → notifyConfirmed (publish nothing)' },
  'CHOREO004 a refund that refunds itself': { code: 'E_CHOREO_LOOP', at: '39:18', text: 'InventoryReservationFailed → refund → PaymentRefunded → refund → PaymentRefunded again' },
  'CHOREO005 two payment reactions on OrderCreated': { code: 'E_CHOREO_CONFLICT', at: '47:11', text: 'reactions "charge" and "audit" of service "payment" both react to "OrderCreated"' },
  'CHOREO006 a cancellation on an event nobody publishes': { code: 'E_CHOREO_NEVER_PUBLISHED', at: '42:12', text: 'reaction "cancel" reacts to "PaymentDeclined", which no reaction publishes' },
  'CHOREO007 an order cancelled twice': { code: 'E_CHOREO_TERMINAL_TWICE', at: '43:18', text: 'ShipmentFailed → release → InventoryReleased → cancel → OrderCancelled' },
};

describe('choreography checks', () => {
  it('the contract declaration validates clean', () => {
    expect(validate([])).toEqual([]);
  });

  for (const [name, c] of Object.entries(CASES)) {
    it(`${name}: one located error naming the path`, () => {
      const want = expected[name]!;
      const d = only(validate(c.edits));
      expect(`${d.line}:${d.col}`).toBe(want.at);
      expect(d.code).toBe(want.code);
      expect(d.message).toContain(want.text);
      expect(d.hint).toContain(`rule ${c.rule} in docs/language.md`);
    });
  }

  it('every rule CHOREO001..007 has a case', () => {
    expect(new Set(Object.values(CASES).map((c) => c.rule))).toEqual(new Set(['CHOREO001', 'CHOREO002', 'CHOREO003', 'CHOREO004', 'CHOREO005', 'CHOREO006', 'CHOREO007']));
  });

  it('references: unknown service, event and reaction with did-you-mean; another service\'s event; a command', () => {
    const cases: [string, string, string, string, string][] = [
      ['service: payment\n      on: OrderCreated', 'service: payments\n      on: OrderCreated', 'E_UNKNOWN_SERVICE', '11:16', 'did you mean "payment"?'],
      ['onSuccess: InventoryReserved', 'onSuccess: InventoryReservd', 'E_UNKNOWN_MESSAGE', '19:18', 'did you mean "InventoryReserved"?'],
      ['compensation: release', 'compensation: relase', 'E_UNKNOWN_REACTION', '21:21', 'did you mean "release"?'],
      ['onSuccess: InventoryReserved', 'onSuccess: PaymentCompleted', 'E_WRONG_OWNER', '19:18', 'publish an event of "inventory"'],
    ];
    for (const [from, to, code, at, hint] of cases) {
      const d = only(validate([[from, to]]));
      expect([d.code, `${d.line}:${d.col}`, d.hint]).toEqual([code, at, expect.stringContaining(hint)]);
    }
    const withCommand = CATALOG.replace('  PaymentDeclined:\n    kind: event', '  PaymentDeclined:\n    kind: command');
    const d = only(validate([], withCommand).filter((x) => x.file?.endsWith('order-flow.yaml')));
    expect([d.code, `${d.line}:${d.col}`]).toEqual(['E_WRONG_KIND', '14:19']);
    expect(d.message).toContain('a choreography reacts to and publishes events only');
  });

  it('a misspelt correlation key is one error, at the key, with did-you-mean', () => {
    const d = only(validate([['correlationKey: orderId', 'correlationKey: orderID']]));
    expect([d.code, `${d.line}:${d.col}`, d.hint]).toEqual(['E_CORRELATION_KEY', '8:19', 'did you mean "orderId"?']);
  });

  it('a misshapen reaction is one structural error, not also its consequences in the flow', () => {
    const d = only(validate([['onSuccess: InventoryReserved', 'onSucess: InventoryReserved']]));
    expect([d.code, `${d.line}:${d.col}`, d.message, d.hint]).toEqual(['E_UNKNOWN_PROPERTY', '19:7', 'unknown property "onSucess" in reaction "reserve"', 'did you mean "onSuccess"?']);
    const t = only(validate([['on: OrderCreated\n      onSuccess: PaymentCompleted', 'on: 5\n      onSuccess: PaymentCompleted']]));
    expect([t.code, t.message]).toEqual(['E_WRONG_TYPE', '"on" in reaction "charge" must be a string or a list, not the number 5']);
  });

  it('a file with both sections, or neither, is one error', () => {
    const errors = (edits: [string, string][]) => validate(edits).filter((d) => d.severity === 'error');
    expect(only(errors([['choreography:\n', 'saga: {}\nchoreography:\n']])).code).toBe('E_MISSING_SECTION');
    expect(only(errors([['choreography:\n', 'choreographie:\n']])).code).toBe('E_MISSING_SECTION');
  });

  it('too many paths is one clear error, not a hang', () => {
    // 14 services reacting to the start, each with two outcomes: 2^14 paths, more than MAX_PATHS.
    const reactions: FlowReaction[] = Array.from({ length: 14 }, (_, i) => ({
      index: i,
      name: `r${i}`,
      service: `s${i}`,
      on: [{ event: 'Start', segments: ['reactions', i, 'on'] }],
      outcomes: [
        { event: `Ok${i}`, failure: false, segments: ['reactions', i, 'onSuccess'] },
        { event: `No${i}`, failure: true, segments: ['reactions', i, 'onFailure', 0] },
      ],
    }));
    const terminals = reactions.flatMap((r) => r.outcomes.map((o) => ({ event: o.event, completed: !o.failure, segments: o.segments })));
    const at = (segments: (string | number)[], code: DiagnosticCode, message: string): Diagnostic => ({ code, severity: 'error', message, file: segments.join('/') });
    expect(2 ** 14).toBeGreaterThan(MAX_PATHS);
    const diags = flowDiagnostics({ startedBy: 'Start', origin: 'o', reactions, terminals }, at);
    expect(diags.map((d) => [d.code, d.file])).toEqual([['E_CHOREO_TOO_MANY_PATHS', 'reactions']]);
  });
});
