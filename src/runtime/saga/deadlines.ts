// A saga's deadlines: the timer that finds sagas whose reply is overdue, and what it does with each:
// send the command again after its backoff, wait without using an attempt while the command is
// still queued (in this service's outbox, or behind other work at its participant), or give up on
// the step and compensate. Each due saga is handled in its own transaction.
import { ConcurrencyConflict } from '../db/port.js';
import type { UnitOfWork } from '../context.js';
import type { Clock } from '../clock.js';
import { backoffDelayExact } from '../backoff.js';
import type { SagaStepDefinition } from './definition.js';
import { appendHistory, claimDueSaga, dueSagaIds, postponeDeadline, saveSaga, type SagaInstance } from './store.js';
import type { SagaEngine, SagaEngineOptions } from './engine.js';
import { remoteContext } from '../observability/trace-context.js';
import { endSpan } from '../observability/tracing.js';

/** What a timer pass knows of the queues ahead of the sagas' commands, read once per pass. */
interface Queues {
  /** When the oldest message still in this service's outbox was written. */
  readonly outboxSince: number | undefined;
  /** Backlog per participant and topic, asked for at most once per pass. */
  readonly backlog: Map<string, Promise<number | undefined>>;
}

/** How far a deadline that failed to be handled is pushed back. */
const POISON_DELAY_MS = 5_000;

export class SagaDeadlines<D> {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly engine: SagaEngine<D>,
    private readonly options: SagaEngineOptions<D>,
    private readonly clock: Clock,
  ) {}

  /**
   * Handles every saga whose deadline has passed by `clock.now()`: sends a command again after its
   * backoff, or gives up on it and compensates. Returns how many sagas it handled.
   */
  async fireDue(limit: number): Promise<number> {
    return (await this.timeoutPass(limit)).handled;
  }

  /**
   * One timer pass. Each due saga is handled in its own transaction (re-read and, on PostgreSQL,
   * locked with SKIP LOCKED, so several orchestrator instances share the work), so one saga whose
   * deadline cannot be handled (a builder throws) neither blocks the others nor rolls them back;
   * its deadline is pushed back by `poisonDelayMs` and the error logged.
   */
  private async timeoutPass(limit: number): Promise<{ due: number; handled: number }> {
    const { db, logger } = this.options;
    const now = this.clock.now();
    const due = await db.transaction((tx) => dueSagaIds(tx, this.engine.name, now, limit));
    const queues: Queues = {
      outboxSince: due.length === 0 ? undefined : await db.transaction((tx) => this.options.outbox.oldestPendingAt(tx)),
      backlog: new Map(),
    };
    let handled = 0;
    for (const id of due) {
      try {
        const done = await db.transaction(async (tx) => {
          const saga = await claimDueSaga<D>(tx, this.engine.name, id, now);
          if (saga === undefined) return false; // handled meanwhile, or another instance holds it
          // The timer's spans continue the saga's trace (its last transition, kept in its row).
          const trace = this.options.tracing === undefined ? undefined : remoteContext(saga.trace);
          await this.onDeadline(this.engine.unitOfWork(tx, now, saga.id, trace), saga, queues);
          return true;
        });
        if (done) handled += 1;
      } catch (error) {
        if (error instanceof ConcurrencyConflict) continue; // a reply changed it meanwhile: nothing to do
        logger.error({ err: error, saga: this.engine.name, id }, 'saga deadline could not be handled; trying again later');
        await db.transaction((tx) => postponeDeadline(tx, this.engine.name, id, now, now + POISON_DELAY_MS)).catch(() => undefined);
      }
    }
    return { due: due.length, handled };
  }

  /**
   * Why the command a saga waits for has not been taken yet, if it has not and the saga has not
   * waited too long for it: still in this service's outbox (the broker is away), or behind other
   * messages in its participant's queue (a burst larger than the participant's throughput). A busy
   * system then queues instead of timing out and compensating orders that would have gone through.
   */
  private async stillQueued(saga: SagaInstance<D>, step: SagaStepDefinition<D>, queues: Queues, now: number): Promise<string | undefined> {
    if (now - saga.updatedAt >= step.timeoutMs * (this.options.queueWaitFactor ?? 10)) return undefined;
    if (queues.outboxSince !== undefined && queues.outboxSince <= saga.updatedAt) return 'the command has not left this service\'s outbox yet (is the broker away?)';
    const info = this.engine.stateInfo(saga.state);
    const command = info?.kind === 'compensating' ? step.compensation?.command : step.command;
    if (command === undefined || this.options.backlog === undefined) return undefined;
    const key = `${step.participant}\u0000${command.message.topic}`;
    let backlog = queues.backlog.get(key);
    if (backlog === undefined) queues.backlog.set(key, (backlog = this.options.backlog(step.participant, command.message.topic).catch(() => undefined)));
    const queued = await backlog;
    return queued !== undefined && queued > 0 ? `${step.participant} has ${queued} message(s) to work through on ${command.message.topic}` : undefined;
  }

  /** A history entry for an event that leaves the saga in its state. */
  private async noteInPlace(uow: UnitOfWork, saga: SagaInstance<D>, event: string, note: string, messageId?: string): Promise<void> {
    const traced = this.options.tracing?.startSaga(uow.trace, { saga: this.engine.name, id: saga.id, from: saga.state, to: saga.state, event });
    await appendHistory(uow.tx, { sagaType: this.engine.name, sagaId: saga.id, at: uow.now, from: saga.state, to: saga.state, event, messageType: undefined, messageId, note });
    if (traced !== undefined) endSpan(traced.span, undefined, { 'edasaga.saga.note': note });
  }

  private async onDeadline(uow: UnitOfWork, saga: SagaInstance<D>, queues: Queues): Promise<void> {
    if (saga.deadlineKind === 'timeout') {
      const step = this.engine.stepOfState(saga.state);
      const queued = step === undefined ? undefined : await this.stillQueued(saga, step, queues, uow.now);
      if (step !== undefined && queued !== undefined) {
        // Not an attempt used: the deadline moves on, the send time (updatedAt) stays, which bounds the wait.
        await saveSaga(uow.tx, { ...saga, version: saga.version + 1, deadlineAt: uow.now + step.timeoutMs });
        await this.noteInPlace(uow, saga, 'waiting', `no reply yet, but ${queued}: waiting another ${step.timeoutMs} ms without using an attempt`, saga.messageId);
        return;
      }
    }
    if (saga.deadlineKind === 'retry') {
      const t = this.engine.transition(saga.state, { kind: 'timeout' });
      if (t !== undefined) {
        await this.engine.apply(uow, saga, t, saga.data, { event: 'retry' });
        return;
      }
    }
    const step = this.engine.stepOfState(saga.state);
    const policy = step?.retry ?? { maxAttempts: 1, backoff: { initialMs: 0, multiplier: 1, maxMs: 0 } };
    if (saga.attempt < policy.maxAttempts && this.engine.transition(saga.state, { kind: 'timeout' }) !== undefined) {
      const delay = backoffDelayExact(policy.backoff, saga.attempt);
      const next: SagaInstance<D> = { ...saga, version: saga.version + 1, deadlineAt: uow.now + delay, deadlineKind: 'retry', updatedAt: uow.now };
      await saveSaga(uow.tx, next);
      await this.noteInPlace(uow, saga, 'timeout', `attempt ${saga.attempt} of ${policy.maxAttempts} got no reply; sending again in ${delay} ms`);
      return;
    }
    const t = this.engine.transition(saga.state, { kind: 'timeout-exhausted' });
    if (t === undefined) {
      // A state without a timeout transition: drop the deadline so the timer does not spin on it.
      await saveSaga(uow.tx, { ...saga, version: saga.version + 1, deadlineAt: undefined, deadlineKind: undefined, updatedAt: uow.now });
      return;
    }
    await this.engine.apply(uow, saga, t, saga.data, { event: 'timeout' });
  }


  startTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      if (this.ticking !== undefined) return;
      this.ticking = this.drainDue()
        .catch((error: unknown) => this.options.logger.error({ err: error, saga: this.engine.name }, 'saga timer failed'))
        .finally(() => {
          this.ticking = undefined;
        });
    }, this.options.timerIntervalMs ?? 100);
    this.timer.unref();
  }

  private async drainDue(): Promise<void> {
    const limit = this.options.timerBatchSize ?? 200;
    while ((await this.timeoutPass(limit)).due === limit) {
      /* more are due */
    }
  }

  async stopTimer(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }
}
