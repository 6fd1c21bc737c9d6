// `npm run ops -- <command>`: the on-call engineer's view of the running system (docs/operations.md
// of this project). Parses the arguments (node:util's parseArgs: strict, so a misspelt flag is an
// error rather than ignored), runs one command and prints its text, or with --json its data. Every
// failure is one line on stderr and exit 2; nothing is changed by a command that failed.
import { parseArgs } from 'node:util';
import { ops } from '../../runtime/index.js';
import { loadConfig, type Env } from '../config.js';
import * as commands from './commands.js';

export const OPS_USAGE = `usage: npm run ops -- <command> [options]   (every command takes --json)

  sagas [--state S] [--type T] [--stuck [--older-than 5m]] [--service S] [--limit N]
                         sagas, least recently changed first (--stuck: not terminal, not moved for 5 m)
  saga <id> [--type T]   one saga's history: transitions, messages received and sent, deadline
  dead-letters [--service S] [--type T] [--older-than D] [--limit N]
                         messages a consumer gave up on
  dead-letters show <seq> [--service S]
  dead-letters replay <seq> | --all [--type T] [--older-than D] [--service S] [--dry-run]
                         publish them again (through the outbox, same message ids)
  dead-letters purge <seq> | --older-than D | --all [--type T] [--service S] [--dry-run]
  outbox [--service S] [--minutes N]
                         pending rows, oldest pending age, published per minute
  confirm-compensation <id> --note "how it was undone" [--type T]
                         the operator's word that a compensation that cannot succeed was done by hand

It reads the services' databases with the services' configuration: SQLite files under DATA_DIR
(default ./data), or DATABASE_URL (PostgreSQL, EDASAGA_SCHEMA_PREFIX).`;

export interface OpsIo {
  readonly env: Env;
  out(text: string): void;
  err(text: string): void;
}

const OPTIONS = {
  json: { type: 'boolean' },
  service: { type: 'string' },
  type: { type: 'string' },
  state: { type: 'string' },
  stuck: { type: 'boolean' },
  'older-than': { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  note: { type: 'string' },
  minutes: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one ops command; resolves with the exit code (0, or 2 for any failure). */
export async function runOps(argv: readonly string[], io: OpsIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    // node's message suggests `--` for positionals that start with '-': cut to its first sentence.
    io.err(`ops: ${(error as Error).message.split('. ')[0]!.replace(/\.$/, '')} (npm run ops -- help)`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help === true || command === undefined || command === 'help') {
    (command === undefined && values.help !== true ? io.err : io.out)(OPS_USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const options: commands.OpsOptions = {
    service: values.service,
    type: values.type,
    state: values.state,
    stuck: values.stuck,
    olderThan: values['older-than'],
    limit: values.limit,
    all: values.all,
    dryRun: values['dry-run'],
    note: values.note,
    minutes: values.minutes,
  };
  try {
    const where = { config: loadConfig(io.env), env: io.env };
    const result = await dispatch(command, rest, where, options);
    io.out(values.json === true ? JSON.stringify(result.data, null, 2) : result.text);
    return 0;
  } catch (error) {
    const known = error instanceof ops.OpsError || (error as Error).name === 'ConfigError';
    // Anything else is still one line (the engineer on call needs the cause, not our stack).
    io.err(`ops: ${known ? (error as Error).message : ops.toOpsError(error, 'ops').message}`);
    return 2;
  }
}

function dispatch(command: string, rest: readonly string[], where: commands.OpsEnv, options: commands.OpsOptions): Promise<commands.CommandResult> {
  const arity = (count: number, what: string): string[] => {
    if (rest.length !== count) throw new ops.OpsError('bad-argument', rest.length < count ? `${command} needs ${what}` : `${command}: unexpected argument "${rest[count]}"`);
    return [...rest];
  };
  switch (command) {
    case 'sagas':
      arity(0, '');
      return commands.sagas(where, options);
    case 'saga':
      return commands.saga(where, arity(1, 'a saga id')[0]!, options);
    case 'dead-letters': {
      const [sub, ...args] = rest;
      if (sub === undefined || sub === 'list') return args.length === 0 ? commands.deadLetters(where, options) : Promise.reject(new ops.OpsError('bad-argument', `dead-letters: unexpected argument "${args[0]}"`));
      if (sub === 'show') {
        if (args.length !== 1) throw new ops.OpsError('bad-argument', 'dead-letters show needs one seq (npm run ops -- dead-letters lists them)');
        return commands.showDeadLetter(where, args[0]!, options);
      }
      if (sub === 'replay' || sub === 'purge') {
        if (args.length > 1) throw new ops.OpsError('bad-argument', `dead-letters ${sub}: one seq at a time, or --all`);
        return commands.actOnDeadLetters(where, sub, args[0], options);
      }
      throw new ops.OpsError('bad-argument', `dead-letters: unknown subcommand "${sub}" (show, replay, purge)`);
    }
    case 'outbox':
      arity(0, '');
      return commands.outbox(where, options);
    case 'confirm-compensation':
      return commands.confirmCompensation(where, arity(1, 'a saga id')[0]!, options);
    default:
      throw new ops.OpsError('bad-argument', `unknown command "${command}"; the commands are: sagas, saga, dead-letters, outbox, confirm-compensation (npm run ops -- help)`);
  }
}
