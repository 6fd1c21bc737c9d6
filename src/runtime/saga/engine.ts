// The saga orchestrator engine: interprets a SagaDefinition's state machine. Sagas start on their
// starting event (or an explicit `start`), send commands through the outbox, take replies through
// the consumer (so the inbox has already removed duplicates), and keep durable deadlines that a
// timer scans. Every change of a saga happens in the transaction of the message (or timer tick)
// that caused it, guarded by the saga's version.
//
// Late replies (see docs/runtime.md): a reply the current state has no transition for is recorded
// in the saga's history as `ignored` (or `late-reply` in a terminal state) and changes nothing.
// The one deliberate exception is built into the machine: the success reply of a step that is
// being compensated (it had timed out) is folded into the data and the compensation is sent again
// with that data; compensations are idempotent, so a second one is harmless.
//
// Resends: a command (or compensation) sent again after a timeout keeps its message id while it has
// attempts left, so a participant that already has it (still queued, or handled with its reply on
// the way) recognises it in its inbox and does nothing twice. A compensation is sent again until it is confirmed, with
// pauses growing from the step's timeout to at most COMPENSATION_PAUSE_CAP_MS once its attempts are
// used up; an operator who undid the step by hand says so with `confirmCompensation`.
//
// Why one file just over 400 lines: it is the interpreter of one state machine (start, reply,
// compensation, operator confirmation) and each entry point is a transition guarded by the same
// version check; the deadline timer and its queue-wait rule already live in deadlines.ts.
import type { Db, Tx } from '../db/port.js';
import type { EventEnvelope } from '../envelope.js';
import type { MessageHandler, UnitOfWork } from '../context.js';
import { createUnitOfWork } from '../consumer.js';
import type { Outbox } from '../store/outbox.js';
import type { Logger } from '../logger.js';
import { systemClock, type Clock } from '../clock.js';
import type { Context } from '@opentelemetry/api';
import type { RuntimeObserver } from '../observer.js';
import { endSpan, sagaContext, type RuntimeTracing } from '../observability/tracing.js';
import { traceAttributesOf } from '../observability/trace-context.js';
import {
  STARTED,
  TERMINAL_STATES,
  checkSagaDefinition,
  type SagaDefinition,
  type SagaReply,
  type SagaStateInfo,
  type SagaStepDefinition,
  type SagaTransition,
  type SagaTrigger,
} from './definition.js';
import { SagaDeadlines } from './deadlines.js';
import { planSends, SagaDefinitionError } from './sends.js';
import {
  appendHistory,
  countSagasByState,
  insertSaga,
  listSagas,
  loadSaga,
  nextDeadline,
  saveSaga,
  sagaHistory,
  type SagaHistoryEntry,
  type SagaInstance,
  type SagaQuery,
  type SentMessage,
} from './store.js';

export interface SagaEngineOptions<D> {
  readonly definition: SagaDefinition<D>;
  readonly db: Db;
  readonly outbox: Outbox;
  /** The orchestrator's service name and CloudEvents source. */
  readonly service: string;
  readonly source: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** How often the timer looks for passed deadlines. Default 100 ms. */
  readonly timerIntervalMs?: number;
  /** Due sagas taken per timer pass. Default 200. */
  readonly timerBatchSize?: number;
  /**
   * `event` (default): the engine consumes the starting event and starts the saga from it.
   * `direct`: the service starts sagas itself with `engine.start(uow, event)` in the transaction
   * that publishes the starting event (e.g. the HTTP request placing the order), saving one
   * delivery and one transaction per saga; the engine then does not consume the starting event.
   */
  readonly start?: 'event' | 'direct';
  /**
   * Messages a participant (consumer group) has not finished with on a topic (Transport.backlog):
   * while a step's command waits in its participant's queue, its timeout does not count.
   */
  readonly backlog?: (group: string, topic: string) => Promise<number | undefined>;
  /**
   * How long, in step timeouts, a step may wait for its command to be taken (still in this
   * service's outbox, or queued for its participant) before its timeout counts anyway (a
   * participant that is gone for good). Default 10: a 30 s step waits up to 5 min in a queue.
   */
  readonly queueWaitFactor?: number;
  /** Told when a saga finishes (edasaga_saga_duration_seconds). */
  readonly observer?: RuntimeObserver;
  /** A span per transition. */
  readonly tracing?: RuntimeTracing;
}


export { COMPENSATION_PAUSE_CAP_MS, SagaDefinitionError } from './sends.js';

const triggerKey = (trigger: SagaTrigger): string => (trigger.kind === 'reply' ? `reply:${trigger.type}` : trigger.kind);

export interface Cause {
  readonly event: string;
  readonly messageType?: string;
  readonly messageId?: string;
}

export class SagaEngine<D = unknown> {
  readonly name: string;
  private readonly definition: SagaDefinition<D>;
  private readonly clock: Clock;
  private readonly transitions = new Map<string, Map<string, SagaTransition>>();
  private readonly stateInfos = new Map<string, SagaStateInfo>();
  private readonly stepIndex = new Map<string, number>();
  private readonly replies = new Map<string, SagaReply<D>>();
  private readonly deadlines: SagaDeadlines<D>;

  constructor(private readonly options: SagaEngineOptions<D>) {
    this.definition = options.definition;
    this.name = options.definition.name;
    this.clock = options.clock ?? systemClock;
    this.deadlines = new SagaDeadlines<D>(this, options, this.clock);
    const problems = checkSagaDefinition(options.definition);
    if (problems.length > 0) throw new SagaDefinitionError(`saga ${this.name}: ${problems.join('; ')}`);
    for (const state of options.definition.machine.states) this.stateInfos.set(state.name, state);
    for (const t of options.definition.machine.transitions) {
      const byTrigger = this.transitions.get(t.from) ?? new Map<string, SagaTransition>();
      byTrigger.set(triggerKey(t.on), t);
      this.transitions.set(t.from, byTrigger);
    }
    options.definition.steps.forEach((step, index) => {
      this.stepIndex.set(step.name, index);
      for (const reply of [step.success, ...step.failures, ...(step.compensation === undefined ? [] : [step.compensation.reply])]) {
        if (!this.replies.has(reply.type)) this.replies.set(reply.type, reply);
      }
    });
  }

  /** Consumer handlers for the starting event and every reply (register them with the service). */
  handlers(): MessageHandler<unknown>[] {
    const start = this.definition.startedBy;
    const list: MessageHandler<unknown>[] = [];
    if (this.options.start !== 'direct') {
      list.push({
        type: start.type,
        topic: start.topic,
        ...(start.decode === undefined ? {} : { decode: start.decode }),
        handler: async (event, ctx) => {
          await this.start(ctx, event, ctx.envelope);
        },
        transactional: true,
      });
    }
    for (const reply of this.replies.values()) {
      list.push({
        type: reply.type,
        topic: reply.topic,
        ...(reply.decode === undefined ? {} : { decode: reply.decode }),
        handler: (message, ctx) => this.onReply(ctx, reply.type, message, ctx.envelope),
        transactional: true,
      });
    }
    return list;
  }

  /** The saga id carried by a message of this saga. */
  correlationIdOf(payload: unknown, envelope?: EventEnvelope): string {
    const value = (payload as Record<string, unknown> | null)?.[this.definition.correlationKey];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    if (envelope !== undefined) return envelope.correlationid;
    throw new Error(`saga ${this.name}: message has no "${this.definition.correlationKey}"`);
  }

  /** Starts a saga in `uow`'s transaction; a second start with the same id is a no-op (returns false). */
  async start(uow: UnitOfWork, event: unknown, envelope?: EventEnvelope): Promise<boolean> {
    const id = this.correlationIdOf(event, envelope);
    const now = uow.now;
    const initial: SagaInstance<D> = {
      sagaType: this.name,
      id,
      state: STARTED,
      terminal: false,
      version: 0,
      data: this.definition.startedBy.start(event),
      step: -1,
      attempt: 0,
      deadlineAt: undefined,
      deadlineKind: undefined,
      messageId: undefined,
      createdAt: now,
      updatedAt: now,
    };
    const t = this.transition(STARTED, { kind: 'start' });
    if (t === undefined) throw new SagaDefinitionError(`saga ${this.name}: no start transition`);
    const started = await this.apply(uow, initial, t, initial.data, {
      event: 'start',
      ...(envelope === undefined ? {} : { messageType: envelope.type, messageId: envelope.id }),
    });
    if (!started) uow.log.debug({ saga: this.name, id }, 'saga already started');
    return started;
  }

  /** Takes a reply in the consumer's transaction. */
  async onReply(uow: UnitOfWork, type: string, reply: unknown, envelope: EventEnvelope): Promise<void> {
    const id = this.correlationIdOf(reply, envelope);
    const saga = await loadSaga<D>(uow.tx, this.name, id, { lock: true });
    const cause = { messageType: type, messageId: envelope.id };
    if (saga === undefined) {
      // Normal when several sagas of a service wait for the same reply type: the others have no such saga.
      uow.log.debug({ saga: this.name, id, type }, 'reply for an unknown saga ignored');
      return;
    }
    const t = this.transition(saga.state, { kind: 'reply', type });
    if (t === undefined) {
      await appendHistory(uow.tx, {
        sagaType: this.name,
        sagaId: id,
        at: uow.now,
        from: saga.state,
        to: saga.state,
        event: saga.terminal ? 'late-reply' : 'ignored',
        messageType: type,
        messageId: envelope.id,
        note: `no transition from ${saga.state} on ${type}; recorded and ignored`,
      });
      uow.log.info({ saga: this.name, id, state: saga.state, type }, 'reply ignored: not expected in this state');
      return;
    }
    const fold = this.replies.get(type)?.onReply;
    const data = fold === undefined ? saga.data : fold(saga.data, reply);
    await this.apply(uow, saga, t, data, { event: 'reply', ...cause });
  }

  /**
   * An operator's word that the compensation a saga waits for was done by other means (the payment
   * refunded by hand, say), for a compensation that can never succeed: the saga goes on as if the
   * participant had confirmed it, with the next compensation (or ends COMPENSATED). The history
   * records it as event `operator` with `note`. Returns false, changing nothing, when the saga is not
   * waiting for a compensation.
   */
  async confirmCompensation(id: string, note: string): Promise<boolean> {
    return this.options.db.transaction(async (tx) => {
      const saga = await loadSaga<D>(tx, this.name, id, { lock: true });
      const info = saga === undefined ? undefined : this.stateInfos.get(saga.state);
      if (saga === undefined || info?.kind !== 'compensating' || info.step === undefined) return false;
      const reply = this.step(info.step).compensation?.reply;
      const t = reply === undefined ? undefined : this.transition(saga.state, { kind: 'reply', type: reply.type });
      if (t === undefined) return false;
      const uow = this.unitOfWork(tx, this.clock.now(), saga.id, sagaContext(saga.trace));
      await this.apply(uow, saga, { ...t, note: `compensation confirmed by an operator: ${note}` }, saga.data, { event: 'operator' });
      uow.log.warn({ saga: this.name, id, state: saga.state, note }, 'compensation confirmed by an operator');
      return true;
    });
  }

  /** @internal */
  unitOfWork(tx: Tx, now: number, correlationid: string, trace?: Context): UnitOfWork {
    return createUnitOfWork({ ...this.options, clock: this.clock, tx, now, correlationid, ...(trace === undefined ? {} : { trace }) });
  }

  /** The orchestrator's database. */
  get db(): Db {
    return this.options.db;
  }

  /** Every state of the machine (metrics report each, with 0 where no saga is). */
  get states(): readonly string[] {
    return [...this.stateInfos.keys()];
  }

  /**
   * Handles every saga whose deadline has passed by `clock.now()`: sends a command again after its
   * backoff, or gives up on it and compensates (see deadlines.ts). Returns how many it handled.
   */
  fireDueTimeouts(limit = this.options.timerBatchSize ?? 200): Promise<number> {
    return this.deadlines.fireDue(limit);
  }

  /**
   * Performs a transition: saves the saga first (the version check, and on PostgreSQL the row lock
   * that orders concurrent writers of this saga), then writes the messages to the outbox, then
   * the history. Returns false when a start found the saga already there.
   */
  /** @internal */
  async apply(uow: UnitOfWork, saga: SagaInstance<D>, t: SagaTransition, data: D, cause: Cause): Promise<boolean> {
    const traced = this.options.tracing?.startSaga(uow.trace, { saga: this.name, id: saga.id, from: saga.state, to: t.to, event: cause.event });
    let failure: unknown;
    try {
      return await this.transitionTo(uow, saga, t, data, cause, traced?.context, traced === undefined ? saga.trace : traceAttributesOf(traced.span.spanContext())?.traceparent ?? saga.trace);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      if (traced !== undefined) endSpan(traced.span, failure);
    }
  }

  private async transitionTo(uow: UnitOfWork, saga: SagaInstance<D>, t: SagaTransition, data: D, cause: Cause, trace: Context | undefined, traceparent: string | undefined): Promise<boolean> {
    const now = uow.now;
    const plan = planSends(this.definition, (name) => this.step(name), (name) => this.stepIndex.get(name) ?? -1, saga, t, data, now);
    const { outgoing, step, attempt, deadlineAt, messageId, sent } = plan;
    if (plan.beyondAttempts) {
      uow.log.error(
        { saga: this.name, id: saga.id, state: saga.state, attempt, nextTryInMs: (deadlineAt ?? now) - now, command: outgoing[0]?.type },
        'compensation still not confirmed after every attempt; sending it again (see docs/runtime.md: a compensation that cannot succeed)',
      );
    }
    const next: SagaInstance<D> = {
      ...saga,
      state: t.to,
      terminal: TERMINAL_STATES.includes(t.to),
      version: saga.version + 1,
      data,
      step,
      attempt,
      deadlineAt,
      deadlineKind: deadlineAt === undefined ? undefined : 'timeout',
      messageId,
      updatedAt: now,
      trace: traceparent,
    };
    if (saga.version === 0) {
      if (!(await insertSaga(uow.tx, next))) return false;
    } else {
      await saveSaga(uow.tx, next);
    }
    const sentMessages: SentMessage[] = [];
    for (const message of outgoing) sentMessages.push({ id: await uow.publish(message, trace === undefined ? undefined : { trace }), type: message.type });
    const note = [t.note, sent].filter((part) => part !== undefined && part !== '').join('; ');
    await appendHistory(uow.tx, {
      sagaType: this.name,
      sagaId: saga.id,
      at: now,
      from: saga.state,
      to: t.to,
      event: cause.event,
      messageType: cause.messageType,
      messageId: cause.messageId,
      note: note === '' ? undefined : note,
      sent: sentMessages,
    });
    if (next.terminal) {
      uow.log.info({ saga: this.name, id: saga.id, state: t.to }, 'saga finished');
      const observer = this.options.observer;
      if (observer?.sagaFinished !== undefined) uow.tx.afterCommit(() => observer.sagaFinished?.(this.name, t.to.toLowerCase(), (now - saga.createdAt) / 1000));
    }
    return true;
  }

  /** @internal */
  transition(state: string, trigger: SagaTrigger): SagaTransition | undefined {
    return this.transitions.get(state)?.get(triggerKey(trigger));
  }

  private step(name: string): SagaStepDefinition<D> {
    const index = this.stepIndex.get(name);
    const step = index === undefined ? undefined : this.definition.steps[index];
    if (step === undefined) throw new SagaDefinitionError(`saga ${this.name}: unknown step ${name}`);
    return step;
  }

  /** @internal */
  stateInfo(state: string): SagaStateInfo | undefined {
    return this.stateInfos.get(state);
  }

  /** @internal */
  stepOfState(state: string): SagaStepDefinition<D> | undefined {
    const name = this.stateInfos.get(state)?.step;
    return name === undefined ? undefined : this.step(name);
  }

  // ---- queries ---------------------------------------------------------------------------------

  get(id: string): Promise<SagaInstance<D> | undefined> {
    return this.options.db.transaction((tx) => loadSaga<D>(tx, this.name, id));
  }

  history(id: string): Promise<SagaHistoryEntry[]> {
    return this.options.db.transaction((tx) => sagaHistory(tx, this.name, id));
  }

  list(query: Omit<SagaQuery, 'sagaType'> = {}): Promise<SagaInstance<D>[]> {
    return this.options.db.transaction((tx) => listSagas<D>(tx, { ...query, sagaType: this.name }));
  }

  /** Non-terminal sagas not updated for more than `olderThanMs`. */
  stuck(olderThanMs: number, limit = 100): Promise<SagaInstance<D>[]> {
    return this.list({ notUpdatedSince: this.clock.now() - olderThanMs, limit });
  }

  countByState(): Promise<Record<string, number>> {
    return this.options.db.transaction((tx) => countSagasByState(tx, this.name));
  }

  nextDeadline(): Promise<number | undefined> {
    return this.options.db.transaction((tx) => nextDeadline(tx, this.name));
  }

  // ---- timer -----------------------------------------------------------------------------------

  startTimer(): void {
    this.deadlines.startTimer();
  }

  stopTimer(): Promise<void> {
    return this.deadlines.stopTimer();
  }
}
