// SQL text for PostgreSQL: `?` placeholders rewritten to `$n`, hot statements named so that pg
// prepares them once per connection, and values written in as literals for the writes that travel
// in one simple-protocol round trip (see PostgresTx.defer).
import type { PoolClient } from 'pg';
import type { SqlValue } from '../port.js';

/**
 * Rewrites `?` placeholders to `$1..$n`, leaving `?` alone inside quoted strings, quoted identifiers
 * and comments. (PostgreSQL's own jsonb `?` operators therefore cannot be used in runtime SQL; use
 * `jsonb_exists()` instead.)
 */
export function toPositional(sql: string): string {
  const parts = splitAtPlaceholders(sql);
  return parts.reduce((out, part, index) => (index === 0 ? part : `${out}$${index}${part}`), '');
}

/** The SQL around its `?` placeholders: n placeholders give n + 1 parts (quotes and comments skipped). */
function splitAtPlaceholders(sql: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      i = (end < 0 ? sql.length : end + 1) - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = (end < 0 ? sql.length : end) - 1;
    } else if (c === '?') {
      parts.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(sql.slice(start));
  return parts;
}

/**
 * A value as an SQL literal of unknown type, which PostgreSQL types from its context exactly as it
 * types an untyped parameter: the same text pg would send as the parameter, quoted.
 */
function literal(value: SqlValue, client: PoolClient): string | undefined {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return value.includes('\u0000') ? undefined : client.escapeLiteral(value);
    case 'number':
      return Number.isFinite(value) ? `'${value}'` : undefined;
    case 'bigint':
      return `'${value}'`;
    case 'boolean':
      return value ? "'true'" : "'false'";
    default:
      return value instanceof Uint8Array ? client.escapeLiteral(`\\x${Buffer.from(value).toString('hex')}`) : undefined;
  }
}

/** Distinct statement texts a Db prepares at most; texts beyond it (e.g. ever-new IN lists) run unnamed. */
const MAX_PREPARED = 256;
/** Only plain DML is prepared: DDL cannot be, and `*` would break when a migration adds a column. */
const PREPARABLE = /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b/i;
const STAR = /(^|[\s,])\*(\s|,|$)/;

interface Statement {
  readonly text: string;
  /** Set for hot statements: pg prepares it once per connection, and later runs skip parse and plan. */
  readonly name: string | undefined;
  /** The SQL around its placeholders (for writing values in). */
  readonly parts: readonly string[];
}

/** The statement texts of one Db, compiled once. */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();
  private prepared = 0;

  positional(sql: string): string {
    return this.compiled(sql).text;
  }

  /** The pg query config for `sql`: positional placeholders, and a name for hot statements. */
  statement(sql: string, params: readonly SqlValue[]): { text: string; values: unknown[]; name?: string } {
    const { text, name } = this.compiled(sql);
    return name === undefined ? { text, values: params as unknown[] } : { text, values: params as unknown[], name };
  }

  /** `sql` with its values written in as literals; undefined when a value cannot be. */
  inline(sql: string, params: readonly SqlValue[], client: PoolClient): string | undefined {
    const { parts } = this.compiled(sql);
    if (parts.length !== params.length + 1) return undefined;
    let out = parts[0] ?? '';
    for (let i = 0; i < params.length; i++) {
      const value = literal(params[i] ?? null, client);
      if (value === undefined) return undefined;
      out += value + (parts[i + 1] ?? '');
    }
    return out;
  }

  private compiled(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      const parts = splitAtPlaceholders(sql);
      const text = toPositional(sql);
      const name = this.prepared < MAX_PREPARED && PREPARABLE.test(text) && !STAR.test(text) ? `edasaga_${(this.prepared += 1)}` : undefined;
      statement = { text, name, parts };
      // Unnamed texts are cached too, but only up to a bound, so ever-new texts cannot grow the map forever.
      if (name !== undefined || this.statements.size < MAX_PREPARED * 4) this.statements.set(sql, statement);
    }
    return statement;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
