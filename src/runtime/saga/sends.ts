// What one saga transition sends, and the deadline it sets: the command (or compensation) of a
// step, again after a timeout (the same message id while attempts remain), or the saga's outcome
// events. Pure: the engine writes the result (saga row first, then the outbox, then the history).
import { messageFromSpec, type OutgoingMessage } from '../message.js';
import { uuidv7 } from '../ids.js';
import type { SagaDefinition, SagaStepDefinition, SagaTransition } from './definition.js';
import type { SagaInstance } from './store.js';

export class SagaDefinitionError extends Error {
  override readonly name = 'SagaDefinitionError';
}

/** Longest pause between sends of a compensation whose attempts are used up (unless the step's timeout is longer). */
export const COMPENSATION_PAUSE_CAP_MS = 5 * 60_000;

export interface SendPlan {
  readonly outgoing: readonly OutgoingMessage[];
  /** Index of the step the new state concerns. */
  readonly step: number;
  readonly attempt: number;
  readonly deadlineAt: number | undefined;
  /** Id of the command the saga then waits for a reply to. */
  readonly messageId: string | undefined;
  /** For the history's note. */
  readonly sent: string;
  /** A compensation sent again past its attempts (the engine logs it as an error). */
  readonly beyondAttempts: boolean;
}

export function planSends<D>(
  definition: SagaDefinition<D>,
  stepNamed: (name: string) => SagaStepDefinition<D>,
  indexOf: (name: string) => number,
  saga: SagaInstance<D>,
  t: SagaTransition,
  data: D,
  now: number,
): SendPlan {
  const action = t.action;
  switch (action.kind) {
    case 'send-command':
    case 'send-compensation': {
      const step = stepNamed(action.step);
      const builder = action.kind === 'send-command' ? step.command : step.compensation?.command;
      if (builder === undefined) throw new SagaDefinitionError(`step ${action.step} has no compensation`);
      // A timeout in the same state sends the same command again. Within its attempts it is the
      // same message (same id), which costs a participant that has it nothing; past them (only a
      // compensation gets there) each send is a new message, so that a participant that took the
      // first one and never answered (a bug since fixed) handles it again.
      const again = (t.on.kind === 'timeout' || t.on.kind === 'timeout-exhausted') && t.to === saga.state;
      const attempt = again ? saga.attempt + 1 : 1;
      const beyond = attempt - step.retry.maxAttempts;
      const resend = again && beyond <= 0 && saga.messageId !== undefined;
      const messageId = resend ? saga.messageId : uuidv7();
      // Only a compensation goes on past its attempts: pause longer each time, up to the cap.
      const pause = beyond > 0 ? Math.min(step.timeoutMs * 2 ** beyond, Math.max(step.timeoutMs, COMPENSATION_PAUSE_CAP_MS)) : step.timeoutMs;
      return {
        outgoing: [{ ...messageFromSpec(builder.message, builder.build(data)), id: messageId, correlationid: saga.id }],
        step: indexOf(action.step),
        attempt,
        deadlineAt: now + pause,
        messageId,
        sent: `sent ${builder.message.type} (attempt ${attempt}${resend ? ', same message id' : ''})`,
        beyondAttempts: beyond > 0,
      };
    }
    case 'complete':
    case 'compensated': {
      const outgoing = (action.kind === 'complete' ? definition.onCompleted : definition.onCompensated).map((builder) => ({
        ...messageFromSpec(builder.message, builder.build(data)),
        correlationid: saga.id,
      }));
      return { outgoing, step: saga.step, attempt: 1, deadlineAt: undefined, messageId: undefined, sent: outgoing.length === 0 ? '' : `published ${outgoing.map((m) => m.type).join(', ')}`, beyondAttempts: false };
    }
    case 'fail':
      return { outgoing: [], step: saga.step, attempt: 1, deadlineAt: undefined, messageId: undefined, sent: '', beyondAttempts: false };
  }
}
