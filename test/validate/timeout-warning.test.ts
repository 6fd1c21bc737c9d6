// W_TIMEOUT_BELOW_REDELIVERY: `validate` warns about a step timeout shorter than twice the chosen
// transport's redelivery bound, and the exit code stays 0.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../src/cli/run-validate.js';
import { KAFKA_DEFAULT_REBALANCE_TIMEOUT_MS, KAFKA_DEFAULT_SESSION_TIMEOUT_MS, NATS_DEFAULT_ACK_WAIT_MS, REDELIVERY_BOUND_MS } from '../../src/runtime/transports/redelivery-bounds.js';
import { chooseTransport } from '../../src/validate/timeout-rules.js';

const root = join(import.meta.dirname, '../..');
// Steps payment and inventory time out after 30s, shipping after 1m.
const catalog = join(root, 'examples/order-system/catalog.yaml');

async function validate(env: NodeJS.ProcessEnv, transport?: string) {
  let stdout = '';
  let stderr = '';
  const code = await runValidate(
    { catalog, format: 'json', color: false, ...(transport === undefined ? {} : { transport }) },
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, env, cwd: root },
  );
  const report = stdout === '' ? undefined : (JSON.parse(stdout) as { diagnostics: { code: string; severity: string; message: string; file: string; line: number }[] });
  const warnings = (report?.diagnostics ?? []).filter((d) => d.code === 'W_TIMEOUT_BELOW_REDELIVERY');
  return { code, stderr, warnings };
}

describe('step timeouts against the redelivery bound', () => {
  it('uses the runtime transports\' own defaults', () => {
    expect(REDELIVERY_BOUND_MS).toEqual({ 'in-process': 0, nats: NATS_DEFAULT_ACK_WAIT_MS, kafka: KAFKA_DEFAULT_SESSION_TIMEOUT_MS + KAFKA_DEFAULT_REBALANCE_TIMEOUT_MS });
    expect(REDELIVERY_BOUND_MS.nats).toBe(10_000);
  });

  it('warns on Kafka (bound 20s) about the two 30s steps (payment, inventory), not the 1m one, and exits 0', async () => {
    const r = await validate({}, 'kafka');
    expect(r.code).toBe(0);
    expect(r.warnings.map((w) => w.message.match(/^step (\w+)/)?.[1])).toEqual(['payment', 'inventory']);
    expect(r.warnings[0]).toMatchObject({ severity: 'warning', file: expect.stringMatching(/order-saga\.yaml$/), line: expect.any(Number) });
    expect(r.warnings[0]?.message).toContain('(30s) is shorter than twice kafka');
  });

  it('does not warn on NATS (bound 10s: 30s is enough) nor in-process (no bound)', async () => {
    expect((await validate({}, 'nats')).warnings).toEqual([]);
    expect((await validate({}, 'in-process')).warnings).toEqual([]);
  });

  it('takes the transport from EDASAGA_TRANSPORT, the flag winning over it, and in-process by default', async () => {
    expect((await validate({ EDASAGA_TRANSPORT: 'kafka' })).warnings).toHaveLength(2);
    expect((await validate({ EDASAGA_TRANSPORT: 'kafka' }, 'nats')).warnings).toHaveLength(0);
    expect((await validate({})).warnings).toHaveLength(0);
  });

  it('rejects an unknown transport in the variable as a usage error (exit 2)', async () => {
    const r = await validate({ EDASAGA_TRANSPORT: 'rabbit' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('EDASAGA_TRANSPORT: expected one of in-process, nats, kafka, got "rabbit"');
    expect(chooseTransport('kafka', { EDASAGA_TRANSPORT: 'rabbit' })).toEqual({ ok: true, transport: 'kafka' });
  });
});
