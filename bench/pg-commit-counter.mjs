// Preloaded into the services of bench/orders-infra.mjs (NODE_OPTIONS=--import): counts the
// transactions their pg clients end with COMMIT (also a COMMIT sent at the end of a multi-statement
// query) or send as single statements outside a transaction, and the queries (round trips) they
// send, and keeps the totals in a file named after the process (PG_COUNT_DIR). pg_stat_database counts every session of the database, so it also counts
// whatever else runs on a shared machine; this counts only the services.
import { createRequire } from 'node:module';
import { openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.PG_COUNT_DIR;
if (dir !== undefined && dir !== '') {
  const pg = createRequire(join(process.cwd(), 'package.json'))('pg');
  let commits = 0;
  let queries = 0;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, values, callback) {
    const text = typeof config === 'string' ? config : config?.text;
    queries += 1;
    if (typeof text === 'string' && /(^|;)\s*COMMIT\s*$/i.test(text)) commits += 1;
    // Outside a transaction block (pg's last ReadyForQuery said idle), a statement is a transaction
    // of its own that PostgreSQL commits too: a relay's claim that found nothing, a read, a LISTEN.
    else if (this._txStatus === 'I' && typeof text === 'string' && !/^\s*BEGIN\b/i.test(text)) commits += 1;
    return query.call(this, config, values, callback);
  };
  // One descriptor, rewritten in place at a fixed width: an open/write/close every 250 ms cost the
  // services several per cent of their CPU (file-system syscalls are dear on a virtual machine).
  const fd = openSync(join(dir, `${process.pid}.json`), 'w');
  const save = () => writeSync(fd, JSON.stringify({ commits, queries }).padEnd(96), 0);
  setInterval(save, 250).unref();
  process.on('exit', save);
}
