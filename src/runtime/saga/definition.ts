// The shape of a saga as the generator emits it: an explicit state machine as DATA (states and
// transitions), plus typed builder functions that make command payloads from the saga's data and
// fold replies into it. The engine (engine.ts) interprets this; nothing about a particular saga is
// hard-coded in the runtime.
//
// State names: `STARTED`, `<STEP>_PENDING` (command sent, waiting for its reply),
// `COMPENSATING_<STEP>` (compensation sent, waiting for its reply), and the terminal `COMPLETED`,
// `COMPENSATED`. A compensation never gives up: a saga whose compensation is not confirmed stays
// COMPENSATING_<STEP> and sends it again, with growing pauses, until it is (or an operator says it
// was done by hand). `FAILED` is kept for sagas stored by older runtimes and for hand-written machines.
import type { EventEnvelope } from '../envelope.js';
import type { MessageSpec } from '../message.js';
import type { Backoff } from '../backoff.js';

export const STARTED = 'STARTED';
export const COMPLETED = 'COMPLETED';
export const COMPENSATED = 'COMPENSATED';
export const FAILED = 'FAILED';
export const TERMINAL_STATES: readonly string[] = [COMPLETED, COMPENSATED, FAILED];

export interface SagaRetryPolicy {
  /** Total sends of a command, including the first. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
}

/** A message the saga sends (command, or completion event): its routing plus a payload builder. */
export interface SagaMessageBuilder<D> {
  readonly message: MessageSpec;
  readonly build: (data: D) => unknown;
}

/** A reply the saga waits for. */
export interface SagaReply<D> {
  /** CloudEvents type. */
  readonly type: string;
  readonly topic: string;
  /** Decodes (validates/upcasts) the reply; default: the envelope's data. */
  readonly decode?: (envelope: EventEnvelope) => unknown;
  /** Folds the reply into the saga data; default: data unchanged. */
  readonly onReply?: (data: D, reply: unknown) => D;
}

export interface SagaStepDefinition<D> {
  /** e.g. `payment`; states are named from it in upper snake case (`PAYMENT_PENDING`). */
  readonly name: string;
  readonly participant: string;
  readonly command: SagaMessageBuilder<D>;
  readonly success: SagaReply<D>;
  readonly failures: readonly SagaReply<D>[];
  readonly compensation?: { readonly command: SagaMessageBuilder<D>; readonly reply: SagaReply<D> };
  readonly timeoutMs: number;
  /** Applies to the command and to the compensation command. */
  readonly retry: SagaRetryPolicy;
}

export type SagaTrigger =
  | { readonly kind: 'start' }
  | { readonly kind: 'reply'; readonly type: string }
  /** The state's deadline passed and its retry policy allows another send. */
  | { readonly kind: 'timeout' }
  /** The deadline passed and every attempt is used up. */
  | { readonly kind: 'timeout-exhausted' };

export type SagaAction =
  | { readonly kind: 'send-command'; readonly step: string }
  | { readonly kind: 'send-compensation'; readonly step: string }
  | { readonly kind: 'complete' }
  | { readonly kind: 'compensated' }
  | { readonly kind: 'fail' };

export interface SagaTransition {
  readonly from: string;
  readonly on: SagaTrigger;
  readonly to: string;
  readonly action: SagaAction;
  /** Why this transition exists, shown in the saga history (e.g. `late success while compensating`). */
  readonly note?: string;
}

export interface SagaStateInfo {
  readonly name: string;
  readonly kind: 'initial' | 'pending' | 'compensating' | 'terminal';
  /** Step whose command (pending) or compensation (compensating) the state waits for. */
  readonly step?: string;
  /** Deadline for a reply in this state (ms). */
  readonly timeoutMs?: number;
}

export interface SagaMachine {
  readonly states: readonly SagaStateInfo[];
  readonly transitions: readonly SagaTransition[];
}

export interface SagaDefinition<D> {
  readonly name: string;
  /** Service that runs the orchestrator. */
  readonly orchestrator: string;
  /** Payload property that carries the saga id in the starting event and in every reply. */
  readonly correlationKey: string;
  readonly startedBy: {
    readonly type: string;
    readonly topic: string;
    readonly decode?: (envelope: EventEnvelope) => unknown;
    /** Initial saga data from the starting event. */
    readonly start: (event: unknown) => D;
  };
  readonly steps: readonly SagaStepDefinition<D>[];
  /** Events published when the saga completes / has been compensated. */
  readonly onCompleted: readonly SagaMessageBuilder<D>[];
  readonly onCompensated: readonly SagaMessageBuilder<D>[];
  readonly machine: SagaMachine;
}

/** `inventory` -> `INVENTORY`, `shipTo-EU` -> `SHIP_TO_EU`. */
export function stateStem(step: string): string {
  return step
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

export const pendingState = (step: string): string => `${stateStem(step)}_PENDING`;
export const compensatingState = (step: string): string => `COMPENSATING_${stateStem(step)}`;

/** What the machine needs from the steps (the generator may call this or emit its result). */
export interface MachineStep {
  readonly name: string;
  readonly success: string;
  readonly failures: readonly string[];
  readonly compensation?: { readonly reply: string };
  readonly timeoutMs: number;
}

/**
 * Derives the explicit state machine of an orchestrated saga:
 * forward through the steps; on a failure reply of step i, compensate the steps before i that have
 * a compensation, newest first, one at a time (the next only once the last is confirmed); on a
 * timeout with no attempts left in step i, compensate i too (its effect is unknown); a compensation
 * whose attempts are used up is sent again until it is confirmed: undoing may not give up.
 */
export function deriveSagaMachine(steps: readonly MachineStep[]): SagaMachine {
  if (steps.length === 0) throw new Error('a saga needs at least one step');
  const states: SagaStateInfo[] = [{ name: STARTED, kind: 'initial' }];
  const transitions: SagaTransition[] = [];
  const compensateFrom = (index: number): { to: string; action: SagaAction } => {
    for (let j = index; j >= 0; j--) {
      const step = steps[j];
      if (step?.compensation !== undefined) return { to: compensatingState(step.name), action: { kind: 'send-compensation', step: step.name } };
    }
    return { to: COMPENSATED, action: { kind: 'compensated' } };
  };
  const first = steps[0]!;
  transitions.push({ from: STARTED, on: { kind: 'start' }, to: pendingState(first.name), action: { kind: 'send-command', step: first.name } });
  steps.forEach((step, index) => {
    const pending = pendingState(step.name);
    states.push({ name: pending, kind: 'pending', step: step.name, timeoutMs: step.timeoutMs });
    const next = steps[index + 1];
    transitions.push(
      next === undefined
        ? { from: pending, on: { kind: 'reply', type: step.success }, to: COMPLETED, action: { kind: 'complete' } }
        : { from: pending, on: { kind: 'reply', type: step.success }, to: pendingState(next.name), action: { kind: 'send-command', step: next.name } },
    );
    for (const failure of step.failures) {
      transitions.push({ from: pending, on: { kind: 'reply', type: failure }, ...compensateFrom(index - 1) });
    }
    transitions.push({ from: pending, on: { kind: 'timeout' }, to: pending, action: { kind: 'send-command', step: step.name }, note: 'command timed out; sent again' });
    transitions.push({ from: pending, on: { kind: 'timeout-exhausted' }, ...compensateFrom(index), note: 'no reply after every attempt; compensating, this step included' });
  });
  steps.forEach((step, index) => {
    if (step.compensation === undefined) return;
    const compensating = compensatingState(step.name);
    states.push({ name: compensating, kind: 'compensating', step: step.name, timeoutMs: step.timeoutMs });
    transitions.push({ from: compensating, on: { kind: 'reply', type: step.compensation.reply }, ...compensateFrom(index - 1) });
    transitions.push({
      from: compensating,
      on: { kind: 'reply', type: step.success },
      to: compensating,
      action: { kind: 'send-compensation', step: step.name },
      note: 'late success while compensating this step: data merged, compensation sent again',
    });
    transitions.push({ from: compensating, on: { kind: 'timeout' }, to: compensating, action: { kind: 'send-compensation', step: step.name }, note: 'compensation timed out; sent again' });
    transitions.push({
      from: compensating,
      on: { kind: 'timeout-exhausted' },
      to: compensating,
      action: { kind: 'send-compensation', step: step.name },
      note: 'compensation still not confirmed after every attempt: sent again, and again until it is (needs attention)',
    });
  });
  states.push({ name: COMPLETED, kind: 'terminal' }, { name: COMPENSATED, kind: 'terminal' }, { name: FAILED, kind: 'terminal' });
  return { states, transitions };
}

/** The machine of a definition's steps (convenience for hand-written definitions). */
export function machineFor<D>(steps: readonly SagaStepDefinition<D>[]): SagaMachine {
  return deriveSagaMachine(
    steps.map((step) => ({
      name: step.name,
      success: step.success.type,
      failures: step.failures.map((failure) => failure.type),
      ...(step.compensation === undefined ? {} : { compensation: { reply: step.compensation.reply.type } }),
      timeoutMs: step.timeoutMs,
    })),
  );
}

/** Problems that would make the engine misbehave; empty when the definition is consistent. */
export function checkSagaDefinition<D>(definition: SagaDefinition<D>): string[] {
  const problems: string[] = [];
  const states = new Set(definition.machine.states.map((state) => state.name));
  const steps = new Map(definition.steps.map((step) => [step.name, step]));
  for (const required of [STARTED, ...TERMINAL_STATES]) if (!states.has(required)) problems.push(`state ${required} is missing`);
  for (const state of definition.machine.states) {
    if ((state.kind === 'pending' || state.kind === 'compensating') && (state.step === undefined || !steps.has(state.step))) {
      problems.push(`state ${state.name} names unknown step ${String(state.step)}`);
    }
  }
  const seen = new Set<string>();
  for (const t of definition.machine.transitions) {
    if (!states.has(t.from)) problems.push(`transition from unknown state ${t.from}`);
    if (!states.has(t.to)) problems.push(`transition to unknown state ${t.to}`);
    const trigger = t.on.kind === 'reply' ? `reply ${t.on.type}` : t.on.kind;
    const id = `${t.from} on ${trigger}`;
    if (seen.has(id)) problems.push(`two transitions for ${id}`);
    seen.add(id);
    if ((t.action.kind === 'send-command' || t.action.kind === 'send-compensation') && !steps.has(t.action.step)) {
      problems.push(`transition ${id} acts on unknown step ${t.action.step}`);
    }
    if (t.action.kind === 'send-compensation' && steps.get(t.action.step)?.compensation === undefined) {
      problems.push(`transition ${id} compensates step ${t.action.step}, which has no compensation`);
    }
  }
  return problems;
}
