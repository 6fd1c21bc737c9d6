// The runtime is copied verbatim into generated projects: it may import only node builtins, the
// driver/broker/logging packages a generated project depends on, and other runtime files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../src/runtime');
const ALLOWED_PACKAGES = new Set(['better-sqlite3', 'pg', 'kafkajs', 'nats', 'pino', 'fastify', '@opentelemetry/api']);
/** Optional packages: imported only as types or with `await import()`, and only by the module named. */
const LAZY_PACKAGES = new Map([
  ['prom-client', 'observability/metrics.ts'],
  ['@opentelemetry/sdk-trace-node', 'observability/sdk.ts'],
  ['@opentelemetry/resources', 'observability/sdk.ts'],
  ['@opentelemetry/exporter-trace-otlp-proto', 'observability/sdk.ts'],
  ['@opentelemetry/exporter-trace-otlp-http', 'observability/sdk.ts'],
]);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('runtime imports', () => {
  it('stay within node builtins, the allowed packages and relative .js files inside src/runtime', () => {
    const problems: string[] = [];
    for (const file of files(ROOT)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = match[1] ?? match[2]!;
        const where = relative(ROOT, file);
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('.')) {
          if (!spec.endsWith('.js')) problems.push(`${where}: relative import without .js: ${spec}`);
          const target = relative(ROOT, join(file, '..', spec));
          if (target.startsWith('..')) problems.push(`${where}: imports outside src/runtime: ${spec}`);
          continue;
        }
        const lazyIn = LAZY_PACKAGES.get(spec);
        if (lazyIn !== undefined) {
          if (where !== lazyIn) problems.push(`${where}: imports ${spec}, which only ${lazyIn} may load`);
          else if (match[1] !== undefined && !/^import type\s/.test(match[0])) problems.push(`${where}: imports ${spec} eagerly (use \`await import()\`)`);
          continue;
        }
        if (!ALLOWED_PACKAGES.has(spec)) problems.push(`${where}: imports package ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('load pg only when PostgreSQL is opened', () => {
    const text = readFileSync(join(ROOT, 'db/postgres.ts'), 'utf8');
    expect(text).not.toMatch(/^import (?!type)[^\n]*from 'pg'/m);
    expect(text).toContain("await import('pg')");
  });
});
