// Shared by the choreography tests: init the choreography template, the orders of its four
// scenarios, and the final-state invariants of the OrderFlow over every service's tables.
import { join } from 'node:path';
import { REPO, describeRun, run, stockAndOutboxProblems, type Expected, type Query } from '../helpers.js';

export const CHOREOGRAPHY_SERVICES = ['order', 'payment', 'inventory', 'shipping', 'notification', 'analytics'] as const;

/** `edasaga init DIR --template choreography` then `edasaga generate`, with the built CLI. */
export async function initChoreography(dir: string): Promise<void> {
  const cli = join(REPO, 'bin', 'run.js');
  const init = await run(process.execPath, [cli, 'init', dir, '--template', 'choreography'], { cwd: REPO, timeoutMs: 60_000 });
  if (init.code !== 0) throw new Error(`edasaga init --template choreography failed: ${describeRun(init)}`);
  const generate = await run(process.execPath, [cli, 'generate'], { cwd: dir, timeoutMs: 60_000 });
  if (generate.code !== 0) throw new Error(`edasaga generate failed: ${describeRun(generate)}`);
}

const PAYMENT_REFUNDED = 'com.example.shop.PaymentRefunded';
const PAYMENT_COMPLETED = 'com.example.shop.PaymentCompleted';

/**
 * Every flow instance is terminal; a confirmed order has one charge, one reservation held and a
 * shipment, and is CONFIRMED in the order service's own table; a cancelled one has no charge left
 * (refunded - exactly one PaymentRefunded published, as the order service saw - or declined) and no stock held, and one whose
 * stock was released had been charged and was refunded; analytics has one row per order; stock is
 * conserved; no outbox holds an undispatched row.
 */
export async function checkChoreography(query: Query, expected?: ReadonlyMap<string, Expected>): Promise<{ problems: string[]; states: Record<string, number>; releasedAndRefunded: number }> {
  const problems: string[] = [];
  const states: Record<string, number> = {};
  let releasedAndRefunded = 0;
  const flows = await query('order', 'SELECT id, status FROM edasaga_flows');
  for (const flow of flows) {
    const id = String(flow['id']);
    const status = String(flow['status']);
    states[status] = (states[status] ?? 0) + 1;
    const want = expected?.get(id);
    if (want !== undefined && (want === 'CONFIRMED') !== (status === 'COMPLETED')) problems.push(`order ${id}: ${status}, expected ${want}`);
    const payments = await query('payment', 'SELECT status FROM payments WHERE order_id = ?', [id]);
    const reservations = await query('inventory', 'SELECT status FROM reservations WHERE order_id = ?', [id]);
    const [own] = await query('order', 'SELECT status FROM orders WHERE order_id = ?', [id]);
    // The order service sees every event of the flow, each message id once: what payment published.
    const published = async (type: string) => Number((await query('order', 'SELECT COUNT(*) AS n FROM edasaga_flow_events WHERE flow_id = ? AND type = ?', [id, type]))[0]?.['n']);
    const refunds = await published(PAYMENT_REFUNDED);
    const charges = await published(PAYMENT_COMPLETED);
    if (charges !== (payments.some((p) => p['status'] === 'CHARGED' || p['status'] === 'REFUNDED') ? 1 : 0)) problems.push(`order ${id}: ${charges} PaymentCompleted for payments ${JSON.stringify(payments)}`);
    if (status === 'COMPLETED') {
      if (payments.length !== 1 || payments[0]?.['status'] !== 'CHARGED') problems.push(`confirmed ${id}: payments ${JSON.stringify(payments)}`);
      if (reservations.length !== 1 || reservations[0]?.['status'] !== 'RESERVED') problems.push(`confirmed ${id}: reservations ${JSON.stringify(reservations)}`);
      const shipments = await query('shipping', 'SELECT status FROM shipments WHERE order_id = ?', [id]);
      if (shipments.length !== 1 || shipments[0]?.['status'] !== 'SCHEDULED') problems.push(`confirmed ${id}: shipments ${JSON.stringify(shipments)}`);
      if (own?.['status'] !== 'CONFIRMED') problems.push(`confirmed ${id}: order row ${JSON.stringify(own)}`);
      if (refunds !== 0) problems.push(`confirmed ${id}: ${refunds} refund(s)`);
    } else if (status === 'COMPENSATED') {
      if (payments.some((p) => p['status'] === 'CHARGED')) problems.push(`cancelled ${id}: payment not refunded ${JSON.stringify(payments)}`);
      if (reservations.some((r) => r['status'] === 'RESERVED')) problems.push(`cancelled ${id}: stock not released ${JSON.stringify(reservations)}`);
      if (own?.['status'] !== 'CANCELLED') problems.push(`cancelled ${id}: order row ${JSON.stringify(own)}`);
      const refunded = payments.length === 1 && payments[0]?.['status'] === 'REFUNDED';
      if (refunds !== (refunded ? 1 : 0)) problems.push(`cancelled ${id}: ${refunds} PaymentRefunded published for payments ${JSON.stringify(payments)}`);
      if (reservations.some((r) => r['status'] === 'RELEASED')) {
        if (!refunded) problems.push(`cancelled ${id} held stock: payments ${JSON.stringify(payments)}`);
        else releasedAndRefunded += 1;
      }
    } else {
      problems.push(`order ${id} ended in ${status}`);
    }
    const facts = await query('analytics', 'SELECT order_id FROM order_facts WHERE order_id = ?', [id]);
    if (facts.length !== 1) problems.push(`analytics: ${facts.length} row(s) for ${id}`);
  }
  const [facts] = await query('analytics', 'SELECT COUNT(*) AS n FROM order_facts');
  if (Number(facts?.['n']) !== flows.length) problems.push(`analytics: ${String(facts?.['n'])} rows for ${flows.length} orders`);
  problems.push(...(await stockAndOutboxProblems(query, CHOREOGRAPHY_SERVICES)));
  return { problems, states, releasedAndRefunded };
}
