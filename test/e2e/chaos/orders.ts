// Orders for the chaos run, drawn from a seed: items over a few hot SKUs (most orders one item,
// some two or three, so that concurrent reservations take the same stock rows in different
// orders), and about a fifth designed to fail at each step in turn: a declined payment, an
// out-of-stock SKU after the payment, an address outside the delivery area after payment and
// reservation. The expected outcome travels in the customer id, so the checks can read it back
// from the saga of any order the system accepted, also one whose POST was retried.

export type Outcome = 'CONFIRMED' | 'CANCELLED';
export type Failure = 'declined' | 'out-of-stock' | 'undeliverable';

export interface ChaosOrder {
  readonly body: Record<string, unknown>;
  readonly expect: Outcome;
  readonly failure: Failure | undefined;
}

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOT_SKUS = ['SKU-1', 'SKU-2', 'SKU-3'] as const;
/** What the template's inventory migration seeds each SKU with. */
export const INITIAL_STOCK = 1_000_000;

const eur = (amount: number) => ({ amount, currency: 'EUR' });
const deliverable = { line1: 'Main Street 1', city: 'Berlin', postalCode: '10115', country: 'DE' };
const undeliverable = { line1: 'McMurdo Station', city: 'Ross Island', postalCode: '96599', country: 'AQ' };

/** `chaos-<run>-<n>-<C|X>`: the expected outcome, readable from any accepted order. */
export function customerId(run: string, index: number, expect: Outcome): string {
  return `chaos-${run}-${index}-${expect === 'CONFIRMED' ? 'C' : 'X'}`;
}

export function expectedFromCustomer(id: string): Outcome | undefined {
  const match = /^chaos-[^-]+-\d+-([CX])$/.exec(id);
  return match === null ? undefined : match[1] === 'C' ? 'CONFIRMED' : 'CANCELLED';
}

export function chaosOrders(count: number, seed: number, run: string): ChaosOrder[] {
  const random = seeded(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const itemCount = random() < 0.6 ? 1 : random() < 0.75 ? 2 : 3;
    const skus = [...HOT_SKUS].sort(() => random() - 0.5).slice(0, itemCount);
    const items: { sku: string; quantity: number; unitPrice: { amount: number; currency: string } }[] = skus.map((sku) => ({
      sku,
      quantity: 1 + Math.floor(random() * 3),
      unitPrice: eur(1000),
    }));
    const roll = random();
    const failure: Failure | undefined = roll < 0.07 ? 'declined' : roll < 0.14 ? 'out-of-stock' : roll < 0.2 ? 'undeliverable' : undefined;
    if (failure === 'declined') items[0] = { ...items[0]!, unitPrice: eur(900_000) };
    if (failure === 'out-of-stock') items.push({ sku: `OOS-${index}`, quantity: 1, unitPrice: eur(500) });
    const expect: Outcome = failure === undefined ? 'CONFIRMED' : 'CANCELLED';
    const total = items.reduce((sum, item) => sum + item.quantity * item.unitPrice.amount, 0);
    return {
      body: {
        customerId: customerId(run, index, expect),
        items,
        total: eur(total),
        shippingAddress: failure === 'undeliverable' ? undeliverable : pick([deliverable]),
      },
      expect,
      failure,
    };
  });
}
