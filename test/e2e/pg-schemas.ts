// Cleanup of the PostgreSQL schemas a test run created (one per service, under the run's prefix).
// Its own module without side effects, so that the chaos harness (also run by bench/chaos.mjs) can
// use it without infra-env.ts's reachability probes.
import pg from 'pg';

export async function dropSchemasAt(databaseUrl: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)', [prefix]);
    for (const row of rows) await client.query(`DROP SCHEMA "${row.nspname.replace(/"/g, '""')}" CASCADE`);
  } finally {
    await client.end();
  }
}
