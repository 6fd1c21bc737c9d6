// The flow checks of a choreography (rules CHOREO001..CHOREO008, docs/language.md). The flow is
// explored as every combination of outcomes from `startedBy`: each published event is delivered to
// every reaction that consumes it, each run of a reaction publishes exactly one of its outcomes
// (or nothing: a listener), and a path is one such combination played out to the end. Arrival order
// does not matter to any rule, so a path is the set of runs and events it caused. Each finding is
// reported once, at the place in the YAML that makes it, with the shortest path that proves it.
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';

type Segments = (string | number)[];

export interface FlowOutcome {
  readonly event: string;
  readonly failure: boolean;
  readonly segments: Segments;
}

export interface FlowReaction {
  readonly index: number;
  readonly name: string;
  readonly service: string;
  readonly on: readonly { readonly event: string; readonly segments: Segments }[];
  readonly outcomes: readonly FlowOutcome[];
  readonly compensation?: string;
}

export interface FlowInput {
  readonly startedBy: string;
  readonly origin: string;
  readonly reactions: readonly FlowReaction[];
  readonly terminals: readonly { readonly event: string; readonly completed: boolean; readonly segments: Segments }[];
}

type At = (segments: Segments, code: DiagnosticCode, message: string, hint?: string, target?: 'key' | 'value') => Diagnostic;

/** Complete paths explored at most; the classic order flow has 4. */
export const MAX_PATHS = 10_000;
/** Reaction runs on one path at most (a guard: a loop is reported before it is reached). */
const MAX_DEPTH = 200;

/** An event published on a path: by a run of a reaction (its outcome), or the start. */
interface Occurrence {
  readonly event: string;
  readonly run?: Run;
  readonly outcome?: FlowOutcome;
}
interface Run {
  readonly reaction: FlowReaction;
  readonly trigger: Occurrence;
}
interface PathState {
  readonly queue: readonly Occurrence[];
  readonly occurrences: readonly Occurrence[];
  readonly runs: readonly Run[];
}

class TooManyPaths extends Error {}

const rule = (id: string): string => `rule ${id} in docs/language.md`;

/** `OrderCreated → charge → PaymentCompleted` */
export function chain(o: Occurrence): string {
  const parts: string[] = [];
  let cur: Occurrence | undefined = o;
  while (cur) {
    parts.unshift(cur.event);
    if (cur.run) parts.unshift(cur.run.reaction.name);
    cur = cur.run?.trigger;
  }
  return parts.join(' → ');
}

function length(o: Occurrence): number {
  let n = 0;
  for (let cur: Occurrence | undefined = o; cur; cur = cur.run?.trigger) n++;
  return n;
}

/** One complete path, as the docs show it: the events in the order they were caused, and who ran. */
export interface FlowPath {
  /** The chain to each terminal event reached (the first is the path's end). */
  readonly ends: readonly { readonly event: string; readonly chain: string }[];
  readonly failures: readonly string[];
  readonly reactions: readonly string[];
}

export function flowDiagnostics(flow: FlowInput, at: At, observe?: (path: FlowPath) => void): Diagnostic[] {
  const out: Diagnostic[] = [];
  const consumers = new Map<string, FlowReaction[]>();
  // CHOREO005: one service, one handler per event; two reactions of it on one event conflict.
  const byServiceEvent = new Map<string, FlowReaction>();
  for (const r of flow.reactions) {
    for (const on of r.on) {
      const key = `${r.service}\u0000${on.event}`;
      const first = byServiceEvent.get(key);
      if (first !== undefined && first !== r) {
        out.push(at(on.segments, 'E_CHOREO_CONFLICT', `reactions "${first.name}" and "${r.name}" of service "${r.service}" both react to "${on.event}": the service has one handler per event, which could not do both`, `merge them into one reaction, or move one to another service (${rule('CHOREO005')})`));
        continue;
      }
      byServiceEvent.set(key, r);
      const list = consumers.get(on.event) ?? [];
      if (!list.includes(r)) list.push(r);
      consumers.set(on.event, list);
    }
  }
  // CHOREO006: an event nothing publishes never arrives.
  const published = new Set<string>([flow.startedBy, ...flow.reactions.flatMap((r) => r.outcomes.map((o) => o.event))]);
  for (const r of flow.reactions) {
    for (const on of r.on) {
      if (!published.has(on.event)) out.push(at(on.segments, 'E_CHOREO_NEVER_PUBLISHED', `reaction "${r.name}" reacts to "${on.event}", which no reaction publishes and which does not start the flow: it never runs on it`, rule('CHOREO006')));
    }
  }
  for (const t of flow.terminals) {
    if (!published.has(t.event)) out.push(at(t.segments, 'E_CHOREO_NEVER_PUBLISHED', `terminal event "${t.event}" is published by no reaction: no flow ends with it`, rule('CHOREO006')));
  }
  if (out.length > 0) return out;

  const terminal = new Map(flow.terminals.map((t) => [t.event, t.completed]));
  const compensations = new Set(flow.reactions.flatMap((r) => (r.compensation !== undefined ? [r.compensation] : [])));
  const byName = new Map(flow.reactions.map((r) => [r.name, r]));
  /** A reaction that changes something that may have to be undone: it has or needs a compensation. */
  const effectful = (r: FlowReaction): boolean => r.compensation !== undefined || (r.outcomes.some((o) => o.failure) && r.outcomes.some((o) => !o.failure) && !compensations.has(r.name));

  const found = new Map<string, { d: Diagnostic; weight: number }>();
  const report = (segments: Segments, code: DiagnosticCode, weight: number, message: string, hint: string, target: 'key' | 'value' = 'value'): void => {
    const key = `${code}|${segments.join('/')}`;
    const seen = found.get(key);
    if (seen !== undefined && seen.weight <= weight) return;
    found.set(key, { d: at(segments, code, message, hint, target), weight });
  };
  const where = (o: Occurrence): Segments => o.outcome?.segments ?? ['startedBy'];

  const evaluate = (path: PathState): void => {
    let stopped = false;
    for (const o of path.occurrences) {
      if ((consumers.get(o.event) ?? []).length > 0 || terminal.has(o.event)) continue;
      stopped = true;
      if (o.outcome?.failure) {
        report(where(o), 'E_CHOREO_UNHANDLED_FAILURE', length(o), `failure event "${o.event}" leads to no compensation and no terminal event: ${chain(o)} → (no reaction)`, `let a reaction undo what was done before it, or end the flow on it (${rule('CHOREO001')})`);
      } else {
        report(where(o), 'E_CHOREO_DEAD_END', length(o), `the flow stops at "${o.event}" without a terminal event: ${chain(o)} → (no reaction)`, `add a reaction on "${o.event}", or list it in onCompleted/onCompensated (${rule('CHOREO003')})`);
      }
    }
    const ends = path.occurrences.filter((o) => terminal.has(o.event));
    if (ends.length > 1) {
      const [first, second] = [ends[0]!, ends[1]!];
      const what = first.event === second.event ? `terminal event "${second.event}" is reached twice on one path` : `terminal events "${first.event}" and "${second.event}" are both reached on one path`;
      report(where(second), 'E_CHOREO_TERMINAL_TWICE', length(first) + length(second), `${what}: ${chain(first)}; ${chain(second)}`, `a flow ends once: publish one terminal event per path (${rule('CHOREO007')})`);
    }
    if (ends.length === 0 && !stopped) {
      // Every branch ended in listeners: nothing ended the flow.
      const failure = path.occurrences.find((o) => o.outcome?.failure);
      const last = [...path.occurrences].reverse().find((o) => o.outcome !== undefined) ?? path.occurrences[0]!;
      const o = failure ?? last;
      const listeners = (consumers.get(o.event) ?? []).map((r) => r.name).join(', ');
      if (failure) report(where(o), 'E_CHOREO_UNHANDLED_FAILURE', length(o), `failure event "${o.event}" leads to no compensation and no terminal event: ${chain(o)} → ${listeners} (publish nothing)`, `let a reaction undo what was done before it, or end the flow on it (${rule('CHOREO001')})`);
      else report(where(o), 'E_CHOREO_DEAD_END', length(o), `the flow never reaches a terminal event: ${chain(o)} → ${listeners} (publish nothing)`, `publish a terminal event after "${o.event}" (${rule('CHOREO003')})`);
    }
    const end = ends[0];
    if (ends.length !== 1 || end === undefined || terminal.get(end.event) !== false) return;
    // A compensated end: every effect taken on the path must have been undone on it.
    const ran = new Set(path.runs.map((r) => r.reaction.name));
    for (const o of path.occurrences) {
      if (!o.run || o.outcome?.failure || !effectful(o.run.reaction)) continue;
      const r = o.run.reaction;
      if (r.compensation === undefined) {
        report(['reactions', r.index, 'name'], 'E_CHOREO_NOT_UNDONE', length(end), `reaction "${r.name}" took effect ("${o.event}") but nothing undoes it when the flow is compensated: ${chain(end)}`, `give "${r.name}" a compensation: the reaction that undoes it (${rule('CHOREO002')})`);
      } else if (!ran.has(r.compensation)) {
        const comp = byName.get(r.compensation);
        report(['reactions', r.index, 'compensation'], 'E_CHOREO_NOT_UNDONE', length(end), `reaction "${r.name}" took effect ("${o.event}") but its compensation "${r.compensation}" does not run on ${chain(end)}`, `let "${r.compensation}" react to the failure on this path${comp ? ` (it reacts to ${comp.on.map((e) => e.event).join(', ')})` : ''} (${rule('CHOREO002')})`);
      }
    }
  };

  let paths = 0;
  const explore = (state: PathState): void => {
    const [next, ...rest] = state.queue;
    if (next === undefined) {
      if (++paths > MAX_PATHS) throw new TooManyPaths();
      evaluate(state);
      observe?.({
        ends: state.occurrences.filter((o) => terminal.has(o.event)).map((o) => ({ event: o.event, chain: chain(o) })),
        failures: state.occurrences.filter((o) => o.outcome?.failure).map((o) => o.event),
        reactions: state.runs.map((r) => r.reaction.name),
      });
      return;
    }
    // CHOREO004: an event that caused itself.
    for (let cur = next.run?.trigger; cur; cur = cur.run?.trigger) {
      if (cur.event !== next.event) continue;
      report(where(next), 'E_CHOREO_LOOP', length(next), `the flow loops: ${chain(next)} again`, `a flow must end; break the cycle (${rule('CHOREO004')})`);
      explore({ ...state, queue: rest });
      return;
    }
    if (state.runs.length > MAX_DEPTH) throw new TooManyPaths();
    const list = consumers.get(next.event) ?? [];
    const choose = (i: number, s: PathState): void => {
      const reaction = list[i];
      if (reaction === undefined) return explore(s);
      const run: Run = { reaction, trigger: next };
      const runs = [...s.runs, run];
      if (reaction.outcomes.length === 0) return choose(i + 1, { ...s, runs });
      for (const outcome of reaction.outcomes) {
        const o: Occurrence = { event: outcome.event, run, outcome };
        choose(i + 1, { queue: [...s.queue, o], occurrences: [...s.occurrences, o], runs });
      }
    };
    choose(0, { ...state, queue: rest });
  };
  const start: Occurrence = { event: flow.startedBy };
  try {
    explore({ queue: [start], occurrences: [start], runs: [] });
  } catch (e) {
    if (!(e instanceof TooManyPaths)) throw e;
    return [at(['reactions'], 'E_CHOREO_TOO_MANY_PATHS', `the choreography has more than ${MAX_PATHS} paths (or one longer than ${MAX_DEPTH} reactions): too many to check`, `split it into smaller flows (${rule('CHOREO008')})`, 'key')];
  }
  return [...found.values()].map((f) => f.d);
}
