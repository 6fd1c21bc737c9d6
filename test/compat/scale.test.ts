// Inputs a fuzzer found (issue 15 item 6): large enums. Speed is measured in bench/compat.mjs;
// here the work is counted, not timed: how often the comparison reads the values of an enum.

import { describe, expect, it } from 'vitest';
import { checkSchemaPair } from '../../src/compat/schemas.js';

/** An array that counts reads of its elements (what a search through it costs). */
function counted(values: readonly string[]): { array: string[]; reads: () => number } {
  let reads = 0;
  const array = new Proxy([...values], {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { array, reads: () => reads };
}

const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('large enums', () => {
  it('reads each value of either enum a bounded number of times (linear, not quadratic)', () => {
    const n = 2000;
    const old = counted(values(n));
    const neu = counted(values(n - 1));
    const res = checkSchemaPair({ enum: old.array }, { enum: neu.array }, { mode: 'FULL', policy: 'strict' });
    expect(res.findings.map((f) => `${f.rule} ${f.direction}`)).toEqual(['ENUM_VALUE_REMOVED backward', 'ENUM_VALUE_ADDED forward']);
    // A search of one enum for each value of the other reads about n²/2 = 2,000,000 elements.
    expect(old.reads() + neu.reads()).toBeLessThan(20 * n);
  });

  it('10,000 values against the same minus the last: the one removed value is found', () => {
    const res = checkSchemaPair({ enum: values(10000) }, { enum: values(9999) }, { mode: 'BACKWARD', policy: 'strict' });
    expect(res.compatible).toBe(false);
    expect(res.findings).toEqual([expect.objectContaining({ rule: 'ENUM_VALUE_REMOVED', oldValue: 'v9999', oldPath: '/enum' })]);
  });

  it('values are told apart as JSON values: 1 and "1" differ, equal objects match whatever their key order', () => {
    const res = checkSchemaPair({ enum: [1, { a: 1, b: 2 }, null] }, { enum: ['1', { b: 2, a: 1 }, null] }, { mode: 'BACKWARD', policy: 'strict' });
    expect(res.findings.map((f) => [f.rule, f.oldValue ?? f.newValue])).toEqual([
      ['ENUM_VALUE_REMOVED', 1],
      ['ENUM_VALUE_ADDED', '1'],
    ]);
  });
});
