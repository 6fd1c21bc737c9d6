// A saga step's timeout against the transport's redelivery bound (issue 16): when a consumer dies
// holding a command, the broker hands it to another consumer only after the bound (NATS ack_wait,
// Kafka session + rebalance timeouts). A step timeout shorter than twice that fires while the
// command is merely waiting for redelivery, and the saga resends or compensates an order that
// would have succeeded. Twice, because a reply is one more delivery that may wait as long.
//
// The transport is chosen as the generated project chooses it: --transport, else the
// EDASAGA_TRANSPORT variable, else in-process (the runtime's default), which has no bound: a
// plain `validate` on a machine with no transport configured warns about nothing.
//
// The bounds come from the runtime's own constants module (plain numbers, no broker client).

import type { Diagnostic } from '../core/diagnostics.js';
import type { Saga } from '../model/types.js';
import { REDELIVERY_BOUND_MS, type RedeliveryTransport } from '../runtime/transports/redelivery-bounds.js';

export const TRANSPORTS: readonly RedeliveryTransport[] = ['in-process', 'nats', 'kafka'];

export type TransportChoice = { readonly ok: true; readonly transport: RedeliveryTransport } | { readonly ok: false; readonly diagnostic: Diagnostic };

/** --transport wins over EDASAGA_TRANSPORT; neither means in-process. */
export function chooseTransport(flag: string | undefined, env: NodeJS.ProcessEnv): TransportChoice {
  const fromEnv = env['EDASAGA_TRANSPORT']?.trim();
  const [value, source] = flag !== undefined ? [flag, '--transport'] : fromEnv ? [fromEnv, 'EDASAGA_TRANSPORT'] : ['in-process', 'default'];
  const transport = TRANSPORTS.find((t) => t === value);
  if (transport !== undefined) return { ok: true, transport };
  return { ok: false, diagnostic: { code: 'E_USAGE', severity: 'error', message: `${source}: expected one of ${TRANSPORTS.join(', ')}, got "${value}"` } };
}

export function checkStepTimeouts(sagas: readonly Saga[], transport: RedeliveryTransport): Diagnostic[] {
  const bound = REDELIVERY_BOUND_MS[transport];
  if (bound === 0) return [];
  const out: Diagnostic[] = [];
  for (const saga of sagas) {
    for (const step of saga.steps) {
      if (step.timeoutMs >= 2 * bound) continue;
      out.push({
        code: 'W_TIMEOUT_BELOW_REDELIVERY',
        severity: 'warning',
        message:
          `step ${step.name} of saga ${saga.name}: its timeout (${seconds(step.timeoutMs)}) is shorter than twice ${transport}'s redelivery bound ` +
          `(${seconds(bound)}): a command held by a consumer that dies is redelivered only after the bound, so the step may time out and compensate a saga that would have succeeded`,
        file: step.loc.file,
        line: step.loc.line,
        col: step.loc.col,
        hint: `use a timeout of at least ${seconds(2 * bound)}`,
      });
    }
  }
  return out;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
