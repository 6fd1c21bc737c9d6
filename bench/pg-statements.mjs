#!/usr/bin/env node
// Round trips and statements per order: runs bench/runtime-postgres.mjs (the runtime alone, five
// schemas, in-process transport) with a tracer on pg's Client.query, then prints the round trips
// per order and, per statement text (values blanked), how many each order sends.
//
//   node bench/pg-statements.mjs [orders=1000]
import pg from 'pg';

const orders = Number(process.argv[2] ?? 1000);
const perText = new Map();
let roundTrips = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = String(typeof config === 'string' ? config : config?.text);
  roundTrips += 1;
  // The runtime joins the statements of one round trip with "\n;\n" (db/postgres.ts).
  for (const statement of text.split('\n;\n')) {
    const shape = statement.replace(/'[^']*'/g, "'?'").replace(/\s+/g, ' ').slice(0, 110);
    perText.set(shape, (perText.get(shape) ?? 0) + 1);
  }
  return query.call(this, config, ...rest);
};
process.on('exit', () => {
  // The 50 warm-up orders of runtime-postgres.mjs are counted too.
  const total = orders + 50;
  console.log(`round trips per order: ${(roundTrips / total).toFixed(2)}; statements per order by text:`);
  for (const [shape, n] of [...perText].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(n / total).toFixed(2).padStart(7)}  ${shape}`);
});
process.argv[2] = String(orders);
await import('./runtime-postgres.mjs');
