// Who produces and who consumes each message, derived once from the model so that the wiring, the
// event-flow diagram and the README all agree. Commands go from a saga's orchestrator to the service
// that owns the command; events and replies go from their owner to every saga orchestrator waiting
// for them and to every service that subscribes to them (choreography).
import type { Message, Project, Saga } from '../../model/types.js';

export interface Flow {
  readonly message: Message;
  readonly from: string;
  readonly to: string;
  /** `command` (orchestrator -> participant), `reply` (participant -> orchestrator), `subscription`. */
  readonly via: 'command' | 'reply' | 'subscription' | 'saga-start';
}

/** Every message a saga waits for (its start, step outcomes and compensation replies). */
export function sagaInputs(saga: Saga): string[] {
  const names = new Set<string>([saga.startedBy]);
  for (const step of saga.steps) {
    names.add(step.onSuccess);
    for (const failure of step.onFailure) names.add(failure);
    if (step.compensation !== undefined) names.add(step.compensation.reply);
  }
  return [...names];
}

/** Every command a saga sends, with the events it publishes when it ends. */
export function sagaOutputs(saga: Saga): string[] {
  const names = new Set<string>();
  for (const step of saga.steps) {
    names.add(step.command);
    if (step.compensation !== undefined) names.add(step.compensation.command);
  }
  for (const name of [...saga.onCompleted, ...saga.onCompensated]) names.add(name);
  return [...names];
}

export function flows(project: Project): Flow[] {
  const byName = new Map(project.catalog.messages.map((m) => [m.name, m]));
  const result: Flow[] = [];
  const seen = new Set<string>();
  const add = (message: Message | undefined, from: string, to: string, via: Flow['via']): void => {
    if (message === undefined) return;
    const key = `${message.name}|${from}|${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    result.push({ message, from, to, via });
  };
  for (const saga of project.sagas) {
    add(byName.get(saga.startedBy), byName.get(saga.startedBy)?.service ?? saga.orchestrator, saga.orchestrator, 'saga-start');
    for (const step of saga.steps) {
      add(byName.get(step.command), saga.orchestrator, step.participant, 'command');
      if (step.compensation !== undefined) {
        add(byName.get(step.compensation.command), saga.orchestrator, step.participant, 'command');
      }
      for (const reply of [step.onSuccess, ...step.onFailure, ...(step.compensation ? [step.compensation.reply] : [])]) {
        const message = byName.get(reply);
        add(message, message?.service ?? step.participant, saga.orchestrator, 'reply');
      }
    }
  }
  for (const subscription of project.catalog.subscriptions) {
    const message = byName.get(subscription.message);
    add(message, message?.service ?? '?', subscription.service, 'subscription');
  }
  return result;
}

/** Messages each service consumes (name -> sorted message names). */
export function consumedBy(project: Project): Map<string, string[]> {
  const result = new Map<string, Set<string>>();
  for (const service of project.catalog.services) result.set(service.name, new Set());
  for (const flow of flows(project)) result.get(flow.to)?.add(flow.message.name);
  return new Map([...result].map(([service, names]) => [service, [...names].sort()]));
}
