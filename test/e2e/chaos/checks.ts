// What the chaos run checks once every saga has ended, read straight from the services' schemas in
// PostgreSQL: each order's outcome against the one its customer id says, no payment taken twice,
// no money kept for an order that did not go through, no stock drift, no shipment left for a
// cancelled order, no dead letter, nothing left in an outbox.
import pg from 'pg';
import { HOT_SKUS, INITIAL_STOCK, expectedFromCustomer, type Outcome } from './orders.js';

export interface ChaosCounts {
  readonly orders: number;
  readonly terminal: number;
  readonly states: Readonly<Record<string, number>>;
  /** Orders whose saga ended otherwise than their customer id says (or did not end). */
  readonly wrong: number;
  readonly doubleCharges: number;
  /** Orders that did not complete and still have a CHARGED payment. */
  readonly chargedNotRefunded: number;
  /** Cancelled orders whose stock is still held, or confirmed ones without it. */
  readonly reservationsWrong: number;
  readonly shipmentsWrong: number;
  /** Units per SKU that are neither available nor held by a live reservation. */
  readonly stockDrift: number;
  readonly deadLetters: number;
  readonly undispatched: number;
  /** A few examples of what is wrong, for the failure message. */
  readonly examples: readonly string[];
}

const STATE_OF: Record<Outcome, string> = { CONFIRMED: 'COMPLETED', CANCELLED: 'COMPENSATED' };

export type SchemaQuery = (service: string, sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

export function schemaQuery(databaseUrl: string, schemaPrefix: string): SchemaQuery & { close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const query: SchemaQuery = async (service, sql, params = []) => {
    const client = await pool.connect();
    try {
      await client.query(`SET search_path TO "${schemaPrefix}${service}"`);
      return (await client.query(sql, params as unknown[])).rows as Record<string, unknown>[];
    } finally {
      client.release();
    }
  };
  return Object.assign(query, { close: () => pool.end() });
}

/** Sagas of the run: how many there are and how many have ended. */
export async function sagaProgress(query: SchemaQuery): Promise<{ total: number; terminal: number }> {
  const [row] = await query('order', 'SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE terminal = 1) AS terminal FROM edasaga_sagas');
  return { total: Number(row?.['total'] ?? 0), terminal: Number(row?.['terminal'] ?? 0) };
}

export async function checkChaos(query: SchemaQuery, services: readonly string[]): Promise<ChaosCounts> {
  const examples: string[] = [];
  const note = (text: string): void => {
    if (examples.length < 12) examples.push(text);
  };
  const sagas = await query('order', 'SELECT id, state, terminal, data FROM edasaga_sagas');
  const byOrder = <T>(rows: Record<string, unknown>[], value: (row: Record<string, unknown>) => T): Map<string, T[]> => {
    const map = new Map<string, T[]>();
    for (const row of rows) {
      const id = String(row['order_id']);
      map.set(id, [...(map.get(id) ?? []), value(row)]);
    }
    return map;
  };
  const payments = byOrder(await query('payment', 'SELECT order_id, status FROM payments'), (r) => String(r['status']));
  const reservations = byOrder(await query('inventory', 'SELECT order_id, status FROM reservations'), (r) => String(r['status']));
  const shipments = byOrder(await query('shipping', 'SELECT order_id, status FROM shipments'), (r) => String(r['status']));
  const states: Record<string, number> = {};
  let terminal = 0;
  let wrong = 0;
  let doubleCharges = 0;
  let chargedNotRefunded = 0;
  let reservationsWrong = 0;
  let shipmentsWrong = 0;
  for (const saga of sagas) {
    const id = String(saga['id']);
    const state = String(saga['state']);
    states[state] = (states[state] ?? 0) + 1;
    if (Number(saga['terminal']) === 1) terminal += 1;
    const data = JSON.parse(String(saga['data'])) as { start?: { customerId?: string } };
    const expected = expectedFromCustomer(data.start?.customerId ?? '');
    if (expected === undefined || STATE_OF[expected] !== state) {
      wrong += 1;
      note(`order ${id}: expected ${expected ?? '?'} (${data.start?.customerId ?? 'no customer'}), saga ${state}`);
    }
    const paid = payments.get(id) ?? [];
    if (paid.length > 1) {
      doubleCharges += 1;
      note(`order ${id}: ${paid.length} payments`);
    }
    const completed = state === 'COMPLETED';
    if (!completed && paid.includes('CHARGED')) {
      chargedNotRefunded += 1;
      note(`order ${id}: ${state} but its payment is still CHARGED`);
    }
    const held = (reservations.get(id) ?? []).filter((status) => status === 'RESERVED').length;
    if (completed ? held !== 1 || !paid.includes('CHARGED') : held !== 0) {
      reservationsWrong += 1;
      note(`order ${id}: ${state} with ${held} live reservation(s), payments ${JSON.stringify(paid)}`);
    }
    const scheduled = (shipments.get(id) ?? []).filter((status) => status === 'SCHEDULED').length;
    if (completed ? scheduled !== 1 : scheduled !== 0) {
      shipmentsWrong += 1;
      note(`order ${id}: ${state} with ${scheduled} scheduled shipment(s)`);
    }
  }
  let stockDrift = 0;
  for (const sku of HOT_SKUS) {
    const [stock] = await query('inventory', 'SELECT available FROM stock WHERE sku = $1', [sku]);
    const [held] = await query(
      'inventory',
      "SELECT COALESCE(SUM(i.quantity), 0) AS held FROM reservation_items i JOIN reservations r ON r.reservation_id = i.reservation_id WHERE i.sku = $1 AND r.status = 'RESERVED'",
      [sku],
    );
    const drift = Math.abs(INITIAL_STOCK - Number(stock?.['available'] ?? INITIAL_STOCK) - Number(held?.['held'] ?? 0));
    if (drift !== 0) note(`stock of ${sku}: ${String(stock?.['available'])} available + ${String(held?.['held'])} held != ${INITIAL_STOCK}`);
    stockDrift += drift;
  }
  let deadLetters = 0;
  let undispatched = 0;
  for (const service of services) {
    const dead = await query(service, 'SELECT type, error, attempts FROM edasaga_dead_letters ORDER BY seq');
    deadLetters += dead.length;
    for (const row of dead.slice(0, 3)) note(`${service}: dead letter ${String(row['type'])} after ${String(row['attempts'])} attempt(s): ${String(row['error']).slice(0, 160)}`);
    const [pending] = await query(service, 'SELECT COUNT(*) AS n FROM edasaga_outbox WHERE dispatched_at IS NULL');
    undispatched += Number(pending?.['n'] ?? 0);
  }
  return { orders: sagas.length, terminal, states, wrong, doubleCharges, chargedNotRefunded, reservationsWrong, shipmentsWrong, stockDrift, deadLetters, undispatched, examples };
}

/** True when the run kept every promise. */
export function allRight(counts: ChaosCounts, placed: number): boolean {
  return (
    counts.orders >= placed &&
    counts.terminal === counts.orders &&
    counts.wrong === 0 &&
    counts.doubleCharges === 0 &&
    counts.chargedNotRefunded === 0 &&
    counts.reservationsWrong === 0 &&
    counts.shipmentsWrong === 0 &&
    counts.stockDrift === 0 &&
    counts.deadLetters === 0 &&
    counts.undispatched === 0
  );
}
