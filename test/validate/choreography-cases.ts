// The contract's choreography (test/fixtures/choreography/sagas/order-flow.yaml) broken on purpose,
// one mistake per case, for test/validate/choreography.test.ts.
export interface BrokenCase {
  readonly rule: string;
  /** [text to find, replacement] in the saga YAML (each must occur once). */
  readonly edits: readonly (readonly [string, string])[];
}

export const CASES: Readonly<Record<string, BrokenCase>> = {
  'CHOREO001 a declined payment nobody handles': { rule: 'CHOREO001', edits: [['on: [PaymentDeclined, InventoryReservationFailed, ShipmentFailed]', 'on: [InventoryReservationFailed, ShipmentFailed]']] },
  'CHOREO002 a refund that misses the later failure': {
    rule: 'CHOREO002',
    edits: [
      ['on: [InventoryReservationFailed, InventoryReleased]   # after a later failure, in reverse order', 'on: [InventoryReservationFailed]'],
      ['on: [OrderCancelled, PaymentRefunded]', 'on: [OrderCancelled, PaymentRefunded, InventoryReleased]'],
    ],
  },
  'CHOREO002 a charge with no compensation': { rule: 'CHOREO002', edits: [['      compensation: refund           # the reaction that undoes this one\'s effect\n', '']] },
  'CHOREO003 a confirmation that is not terminal': { rule: 'CHOREO003', edits: [['onCompleted: [OrderConfirmed]', 'onCompleted: []']] },
  'CHOREO004 a refund that refunds itself': { rule: 'CHOREO004', edits: [['on: [InventoryReservationFailed, InventoryReleased]', 'on: [InventoryReservationFailed, InventoryReleased, PaymentRefunded]']] },
  'CHOREO005 two payment reactions on OrderCreated': { rule: 'CHOREO005', edits: [['    - name: recordOrder\n', '    - name: audit\n      service: payment\n      on: OrderCreated\n    - name: recordOrder\n']] },
  'CHOREO006 a cancellation on an event nobody publishes': { rule: 'CHOREO006', edits: [['onFailure: [PaymentDeclined]', 'onFailure: []']] },
  'CHOREO007 an order cancelled twice': { rule: 'CHOREO007', edits: [['on: [PaymentDeclined, InventoryReservationFailed, ShipmentFailed]', 'on: [PaymentDeclined, InventoryReservationFailed, ShipmentFailed, InventoryReleased]']] },
};

export function applyEdits(text: string, edits: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [from, to] of edits) {
    const at = out.indexOf(from);
    if (at === -1 || out.indexOf(from, at + 1) !== -1) throw new Error(`edit does not match exactly once: ${from}`);
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}
