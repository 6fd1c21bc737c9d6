// Who sends and who receives each message, as AsyncAPI operations: a service `send`s the events
// and replies it owns and the commands its sagas issue; it `receive`s the commands it handles, the
// events it subscribes to and everything its sagas wait for. A saga step's command carries a
// `reply` (its success and failure answers), on the orchestrator's `send` and on the participant's
// `receive` alike.

import type { Message, Project } from '../../model/types.js';

export type Action = 'send' | 'receive';

export interface PlannedOperation {
  readonly service: string;
  readonly action: Action;
  readonly message: Message;
  /** Answers a command expects, in the order the sagas name them (empty for anything else). */
  readonly replies: readonly Message[];
  /** Sagas this operation is part of. */
  readonly sagas: readonly string[];
  /** A choreography subscription (the service consumes the event without being told to). */
  readonly subscription: boolean;
}

interface Draft {
  service: string;
  action: Action;
  message: Message;
  replies: Set<string>;
  sagas: Set<string>;
  subscription: boolean;
}

/** Operations in a stable order: services in catalog order, sends before receives, messages in catalog order. */
export function planOperations(project: Project): PlannedOperation[] {
  const { catalog } = project;
  const byName = new Map(catalog.messages.map((m) => [m.name, m]));
  const drafts = new Map<string, Draft>();
  const add = (service: string, action: Action, name: string): Draft | undefined => {
    const message = byName.get(name);
    if (message === undefined) return undefined;
    const key = `${service}\u0000${action}\u0000${name}`;
    let draft = drafts.get(key);
    if (draft === undefined) {
      draft = { service, action, message, replies: new Set(), sagas: new Set(), subscription: false };
      drafts.set(key, draft);
    }
    return draft;
  };

  for (const message of catalog.messages) add(message.service, message.kind === 'command' ? 'receive' : 'send', message.name);
  for (const saga of project.sagas) {
    add(saga.orchestrator, 'receive', saga.startedBy)?.sagas.add(saga.name);
    for (const step of saga.steps) {
      const pairs: [string, readonly string[]][] = [[step.command, [step.onSuccess, ...step.onFailure]]];
      if (step.compensation) pairs.push([step.compensation.command, [step.compensation.reply]]);
      for (const [command, replies] of pairs) {
        for (const [service, action] of [[saga.orchestrator, 'send'], [step.participant, 'receive']] as const) {
          const draft = add(service, action, command);
          draft?.sagas.add(saga.name);
          for (const reply of replies) draft?.replies.add(reply);
        }
        for (const reply of replies) {
          add(saga.orchestrator, 'receive', reply)?.sagas.add(saga.name);
          const owner = byName.get(reply)?.service;
          if (owner !== undefined) add(owner, 'send', reply)?.sagas.add(saga.name);
        }
      }
    }
    for (const name of [...saga.onCompleted, ...saga.onCompensated]) add(saga.orchestrator, 'send', name)?.sagas.add(saga.name);
  }
  for (const sub of catalog.subscriptions) {
    const draft = add(sub.service, 'receive', sub.message);
    if (draft) draft.subscription = true;
  }

  const serviceRank = new Map(catalog.services.map((s, i) => [s.name, i]));
  const messageRank = new Map(catalog.messages.map((m, i) => [m.name, i]));
  return [...drafts.values()]
    .sort(
      (a, b) =>
        (serviceRank.get(a.service) ?? serviceRank.size) - (serviceRank.get(b.service) ?? serviceRank.size) ||
        (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) ||
        (a.action === b.action ? 0 : a.action === 'send' ? -1 : 1) ||
        messageRank.get(a.message.name)! - messageRank.get(b.message.name)!,
    )
    .map((d) => ({
      service: d.service,
      action: d.action,
      message: d.message,
      replies: [...d.replies].flatMap((name) => byName.get(name) ?? []),
      sagas: [...d.sagas],
      subscription: d.subscription,
    }));
}
