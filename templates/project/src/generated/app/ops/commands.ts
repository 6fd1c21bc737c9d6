// The commands of `npm run ops`, over the runtime's ops core: each opens the service databases it
// needs with the services' own configuration (SQLite files under DATA_DIR or DATABASE_URL's
// schemas), never creating one that is not there, and returns its data (for --json) with the text
// a person reads. Every failure is an OpsError: one line, exit 2, and nothing changed.
import { ops, type Db } from '../../runtime/index.js';
import { openServiceDb, type AppConfig, type Env } from '../config.js';
import { SERVICE_NAMES, serviceParts, type ServiceName } from '../services.js';
import { duration, fields, table } from './render.js';

const { OpsError } = ops;

export interface CommandResult {
  readonly data: unknown;
  readonly text: string;
}

export interface OpsOptions {
  readonly service?: string | undefined;
  readonly type?: string | undefined;
  readonly state?: string | undefined;
  readonly stuck?: boolean | undefined;
  readonly olderThan?: string | undefined;
  readonly limit?: string | undefined;
  readonly all?: boolean | undefined;
  readonly dryRun?: boolean | undefined;
  readonly note?: string | undefined;
  readonly minutes?: string | undefined;
}

export interface OpsEnv {
  readonly config: AppConfig;
  readonly env: Env;
}

/** Opens the services' databases one at a time (a CLI needs no more), closing each after use. */
async function withDb<T>(where: OpsEnv, service: ServiceName, fn: (db: Db) => Promise<T>): Promise<T> {
  let db: Db;
  try {
    db = await openServiceDb(where.config, service, where.env, { existing: true });
  } catch (error) {
    const known = ops.toOpsError(error, service);
    if (known.code !== 'failed') throw known;
    // An open that fails for another reason (a missing folder) is still "cannot reach it".
    const where_ = where.config.databaseUrl === undefined ? `DATA_DIR ${where.config.dataDir}` : 'DATABASE_URL';
    throw new OpsError('database-unreachable', `${service}: the database cannot be reached: ${(error as Error).message} (is ${where_} where the services keep their databases?)`);
  }
  try {
    return await fn(db);
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** The services a command looks at: the one --service names (checked), or `among` (default all). */
function servicesOf(options: OpsOptions, among: readonly ServiceName[] = SERVICE_NAMES): ServiceName[] {
  if (options.service === undefined) return [...among];
  const service = ops.resolveService(options.service, SERVICE_NAMES);
  if (!among.includes(service)) throw new OpsError('bad-argument', `${service} runs no saga; the services with sagas are: ${among.join(', ')}`);
  return [service];
}

const orchestrators = (): ServiceName[] => SERVICE_NAMES.filter((name) => serviceParts(name).sagas.length > 0);
const limitOf = (options: OpsOptions): number => (options.limit === undefined ? 100 : ops.positiveInteger(options.limit, '--limit'));
const olderThanOf = (options: OpsOptions): number | undefined => (options.olderThan === undefined ? undefined : ops.parseDuration(options.olderThan, '--older-than'));

export async function sagas(where: OpsEnv, options: OpsOptions): Promise<CommandResult> {
  const services = servicesOf(options, orchestrators());
  const limit = limitOf(options);
  // --stuck alone means "not moved for 5 minutes": longer than any step timeout of the template.
  const stuckOlderThanMs = options.stuck === true ? (olderThanOf(options) ?? 5 * 60_000) : undefined;
  if (options.stuck !== true && options.olderThan !== undefined) throw new OpsError('bad-argument', '--older-than goes with --stuck (sagas that have not moved for that long)');
  const rows = [];
  for (const service of services) {
    const definitions = serviceParts(service).sagas;
    const list = await withDb(where, service, (db) =>
      ops.listSagaSummaries(db, service, {
        limit,
        definitions,
        ...(options.state === undefined ? {} : { state: options.state }),
        ...(options.type === undefined ? {} : { type: options.type }),
        ...(stuckOlderThanMs === undefined ? {} : { stuckOlderThanMs }),
      }),
    );
    rows.push(...list.map((saga) => ({ service, ...saga })));
  }
  const shown = rows.slice(0, limit);
  const text =
    shown.length === 0
      ? stuckOlderThanMs === undefined
        ? 'no sagas'
        : `no saga has been stuck for more than ${duration(stuckOlderThanMs)}`
      : table(
          ['ID', 'TYPE', 'STATE', 'STEP', 'ATTEMPTS', 'AGE', 'IDLE', 'DEADLINE'],
          shown.map((saga) => [
            saga.id,
            saga.type,
            saga.state,
            saga.step ?? '-',
            String(saga.attempts),
            duration(saga.ageMs),
            duration(saga.idleMs),
            saga.deadline === undefined ? '-' : `${saga.deadline.kind} in ${duration(saga.deadline.inMs)}`,
          ]),
        );
  return { data: shown, text };
}

export async function saga(where: OpsEnv, id: string, options: OpsOptions): Promise<CommandResult> {
  for (const service of servicesOf(options, orchestrators())) {
    const definitions = serviceParts(service).sagas;
    try {
      const details = await withDb(where, service, (db) => ops.sagaDetails(db, service, id, { definitions, ...(options.type === undefined ? {} : { type: options.type }) }));
      const s = details.saga;
      const lines = [
        fields([
          ['saga', `${s.type} ${s.id} (${service})`],
          ['state', `${s.state}${s.terminal ? ' (terminal)' : ''}`],
          ['step', s.step ?? '-'],
          ['attempts', String(s.attempts)],
          ['started', `${s.createdAt} (${duration(s.ageMs)} ago)`],
          ['changed', `${s.updatedAt} (${duration(s.idleMs)} ago)`],
          ['deadline', s.deadline === undefined ? '-' : `${s.deadline.kind} at ${s.deadline.at} (in ${duration(s.deadline.inMs)})`],
          ['awaiting', s.awaitingMessageId ?? '-'],
        ]),
        '',
        'history:',
        table(
          ['AT', 'FROM', 'TO', 'EVENT', 'RECEIVED', 'SENT', 'NOTE'],
          details.transitions.map((t) => [
            t.at,
            t.from,
            t.to,
            t.event,
            t.received === undefined ? '-' : `${shortType(t.received.type)} ${t.received.id}`,
            t.sent.length === 0 ? '-' : t.sent.map((m) => `${shortType(m.type)} ${m.id}${sentStatus(details, m.id)}`).join(', '),
            t.note ?? '',
          ]),
        ),
      ];
      return { data: { service, ...details }, text: lines.join('\n') };
    } catch (error) {
      if (error instanceof OpsError && error.code === 'unknown-saga') continue;
      throw error;
    }
  }
  throw new OpsError('unknown-saga', `no saga with id ${id} in ${servicesOf(options, orchestrators()).join(', ')}`);
}

const shortType = (type: string): string => type.slice(type.lastIndexOf('.') + 1);
function sentStatus(details: ops.SagaDetails, id: string): string {
  const status = details.sent.find((message) => message.id === id)?.status;
  return status === 'queued' ? ' (queued)' : '';
}

export async function deadLetters(where: OpsEnv, options: OpsOptions): Promise<CommandResult> {
  const limit = limitOf(options);
  const olderThanMs = olderThanOf(options);
  const rows = [];
  let total = 0;
  for (const service of servicesOf(options)) {
    const list = await withDb(where, service, (db) =>
      ops.listDeadLetterSummaries(db, service, { limit, ...(options.type === undefined ? {} : { type: options.type }), ...(olderThanMs === undefined ? {} : { olderThanMs }) }),
    );
    total += list.total;
    rows.push(...list.deadLetters.map((dead) => ({ service, ...dead })));
  }
  const text =
    rows.length === 0
      ? 'no dead letters'
      : `${table(
          ['SERVICE', 'SEQ', 'TYPE', 'KEY', 'ATTEMPTS', 'AGE', 'ERROR'],
          rows.map((dead) => [dead.service, String(dead.seq), shortType(dead.type), dead.key, String(dead.attempts), duration(dead.ageMs), dead.error]),
        )}${total > rows.length ? `\n(${total - rows.length} more; --limit)` : ''}`;
  return { data: { total, deadLetters: rows }, text };
}

/** The one service holding dead letter `seq`: the one --service names, or the only one that has it. */
async function holderOf(where: OpsEnv, seq: number, options: OpsOptions): Promise<{ service: ServiceName; details: ops.DeadLetterDetails }> {
  const found: { service: ServiceName; details: ops.DeadLetterDetails }[] = [];
  for (const service of servicesOf(options)) {
    try {
      found.push({ service, details: await withDb(where, service, (db) => ops.showDeadLetter(db, service, seq)) });
    } catch (error) {
      if (!(error instanceof OpsError && error.code === 'unknown-dead-letter')) throw error;
    }
  }
  if (found.length === 1) return found[0]!;
  if (found.length === 0) throw new OpsError('unknown-dead-letter', `no dead letter ${seq}${options.service === undefined ? ' in any service' : ` in ${options.service}`} (npm run ops -- dead-letters lists them)`);
  throw new OpsError('bad-argument', `dead letter ${seq} exists in ${found.map((f) => f.service).join(' and ')} (each service numbers its own): add --service`);
}

export async function showDeadLetter(where: OpsEnv, seqText: string, options: OpsOptions): Promise<CommandResult> {
  const { service, details } = await holderOf(where, ops.positiveInteger(seqText, 'seq'), options);
  const text = [
    fields([
      ['service', service],
      ['seq', String(details.seq)],
      ['message id', details.messageId],
      ['type', details.type],
      ['topic', details.topic],
      ['key', details.key],
      ['attempts', String(details.attempts)],
      ['dead since', `${details.at} (${duration(details.ageMs)} ago)`],
      ['error', details.error],
    ]),
    '',
    'headers:',
    fields(Object.entries(details.headers).map(([key, value]) => [key, value] as const)),
    '',
    'body:',
    typeof details.body === 'string' ? details.body : JSON.stringify(details.body, null, 2),
  ].join('\n');
  return { data: { service, ...details }, text };
}

/** replay and purge: one seq (found as `show` finds it), or --all / --older-than over the services. */
export async function actOnDeadLetters(where: OpsEnv, action: 'replay' | 'purge', seqText: string | undefined, options: OpsOptions): Promise<CommandResult> {
  const olderThanMs = olderThanOf(options);
  const apply = action === 'replay' ? ops.replayDeadLetters : ops.purgeDeadLetters;
  const flags = { dryRun: options.dryRun === true };
  const reports: ops.DeadLetterActionReport[] = [];
  if (seqText !== undefined) {
    if (options.all === true || olderThanMs !== undefined || options.type !== undefined) throw new OpsError('bad-argument', `give a seq or --all/--older-than/--type, not both`);
    const seq = ops.positiveInteger(seqText, 'seq');
    const { service } = await holderOf(where, seq, options);
    reports.push(await withDb(where, service, (db) => apply(db, service, { seq }, flags)));
  } else {
    // A purge deletes for good: it takes --all or --older-than explicitly, never just a --type.
    if (options.all !== true && (action === 'replay' || olderThanMs === undefined)) {
      throw new OpsError('bad-argument', action === 'replay' ? 'replay what? give a seq, or --all (with --type T / --older-than D to narrow it)' : 'purge what? give a seq, --older-than D, or --all');
    }
    const target = { all: true as const, ...(options.type === undefined ? {} : { type: options.type }), ...(olderThanMs === undefined ? {} : { olderThanMs }) };
    for (const service of servicesOf(options)) reports.push(await withDb(where, service, (db) => apply(db, service, target, flags)));
  }
  const text = reports
    .filter((report) => seqText !== undefined || report.messages.length > 0 || reports.length === 1)
    .map((report) => [report.summary, ...report.messages.map((m) => `  ${m.seq}  ${shortType(m.type)}  ${m.key}  ${m.messageId}`)].join('\n'))
    .join('\n');
  return { data: reports, text: text === '' ? `no dead letters to ${action}` : text };
}

export async function outbox(where: OpsEnv, options: OpsOptions): Promise<CommandResult> {
  const minutes = options.minutes === undefined ? 15 : ops.positiveInteger(options.minutes, '--minutes');
  const stats = [];
  for (const service of servicesOf(options)) stats.push(await withDb(where, service, (db) => ops.outboxStats(db, service, { minutes })));
  const text = table(
    ['SERVICE', 'PENDING', 'OLDEST PENDING', 'THIS MINUTE', 'LAST MINUTE', `PER MINUTE (${minutes} m)`],
    stats.map((s) => [
      s.service,
      String(s.pending),
      duration(s.oldestPendingAgeMs),
      String(s.recent[s.recent.length - 1]?.dispatched ?? 0),
      String(s.dispatchedLastMinute),
      s.dispatchedPerMinute.toFixed(1),
    ]),
  );
  return { data: stats, text };
}

export async function confirmCompensation(where: OpsEnv, id: string, options: OpsOptions): Promise<CommandResult> {
  if (options.note === undefined) throw new OpsError('bad-argument', 'confirm-compensation needs --note "how the step was undone" (it goes into the saga history)');
  for (const service of servicesOf(options, orchestrators())) {
    const definitions = serviceParts(service).sagas.filter((definition) => options.type === undefined || definition.name === options.type);
    for (const definition of definitions) {
      const result = await withDb(where, service, async (db) => {
        try {
          return await ops.confirmCompensation(ops.opsSagaEngine(db, service, definition), service, id, options.note!);
        } catch (error) {
          if (error instanceof OpsError && error.code === 'unknown-saga') return undefined;
          throw error;
        }
      });
      if (result !== undefined) {
        return { data: { service, ...result }, text: `${result.type} ${id}: ${result.from} -> ${result.to} (compensation confirmed by hand: ${result.note}); the running ${service} service carries on from there` };
      }
    }
  }
  throw new OpsError('unknown-saga', `no saga with id ${id}${options.type === undefined ? '' : ` of type ${options.type}`}`);
}
