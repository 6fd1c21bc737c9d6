// Mermaid diagrams for the generated project's docs: one state machine per saga and one graph of
// the messages flowing between services. Ids in Mermaid are generated (`s0`, `c1`, `svc_order`)
// and every catalog name is shown only inside quoted labels, so no name can break the syntax.
import type { Project, Saga } from '../../model/types.js';
import { flows } from './flows.js';
import { choreographyMarkdown } from './choreography-mermaid.js';
import { compensatingState, pendingState } from '../../runtime/saga/definition.js';

/** Text that is safe inside a Mermaid quoted label or edge label. */
function label(text: string): string {
  return text.replace(/["\r\n;:#]/g, ' ').replace(/[<>{}[\]|]/g, '').trim();
}

function duration(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/**
 * The saga as the orchestrator runs it: each step waits for its reply; success moves on, a failure
 * or a timeout (after the step's retries) undoes the completed steps in reverse order, the step
 * that timed out included (its effect may have happened without the reply reaching us). A
 * compensation is never given up on: unconfirmed, it is sent again until it is (the loop).
 */
export function sagaStateDiagram(saga: Saga): string {
  const lines: string[] = ['stateDiagram-v2'];
  const steps = saga.steps;
  lines.push('  state "COMPLETED" as completed');
  lines.push('  state "COMPENSATED" as compensated');
  steps.forEach((step, i) => {
    lines.push(`  state "${label(pendingState(step.name))}: ${label(step.command)} to ${label(step.participant)}" as s${i}`);
    if (step.compensation !== undefined) {
      lines.push(`  state "${label(compensatingState(step.name))}: ${label(step.compensation.command)} to ${label(step.participant)}" as c${i}`);
    }
  });
  // Where compensation starts when everything before step `i` (exclusive) has to be undone.
  const undoFrom = (i: number): string => {
    for (let j = i - 1; j >= 0; j--) if (steps[j]?.compensation !== undefined) return `c${j}`;
    return 'compensated';
  };
  lines.push(`  [*] --> ${steps.length > 0 ? 's0' : 'completed'}: ${label(saga.startedBy)}`);
  steps.forEach((step, i) => {
    const next = i + 1 < steps.length ? `s${i + 1}` : 'completed';
    lines.push(`  s${i} --> ${next}: ${label(step.onSuccess)}`);
    for (const failure of step.onFailure) lines.push(`  s${i} --> ${undoFrom(i)}: ${label(failure)}`);
    const timeoutTarget = step.compensation !== undefined ? `c${i}` : undoFrom(i);
    const attempts = step.retry.maxAttempts > 1 ? ` after ${step.retry.maxAttempts} attempts` : '';
    lines.push(`  s${i} --> ${timeoutTarget}: timeout ${duration(step.timeoutMs)}${attempts}`);
    if (step.compensation !== undefined) {
      lines.push(`  c${i} --> ${undoFrom(i)}: ${label(step.compensation.reply)}`);
      lines.push(`  c${i} --> c${i}: timeout ${duration(step.timeoutMs)}: sent again until confirmed`);
    }
  });
  const completedNote = saga.onCompleted.map(label).join(', ');
  const compensatedNote = saga.onCompensated.map(label).join(', ');
  lines.push(`  completed --> [*]${completedNote === '' ? '' : `: publishes ${completedNote}`}`);
  lines.push(`  compensated --> [*]${compensatedNote === '' ? '' : `: publishes ${compensatedNote}`}`);
  return lines.join('\n');
}

/** Services as nodes; one edge per (message, producer, consumer); dashed edges are choreography. */
export function eventFlowDiagram(project: Project): string {
  const lines: string[] = ['flowchart LR'];
  const ids = new Map<string, string>();
  project.catalog.services.forEach((service, i) => {
    ids.set(service.name, `svc${i}`);
    lines.push(`  svc${i}["${label(service.name)}"]`);
  });
  const id = (service: string): string => {
    let existing = ids.get(service);
    if (existing === undefined) {
      existing = `svc${ids.size}`;
      ids.set(service, existing);
      lines.push(`  ${existing}["${label(service)}"]`);
    }
    return existing;
  };
  for (const flow of flows(project)) {
    const text = `${label(flow.message.name)} (${flow.message.kind}, ${label(flow.message.topic)})`;
    const arrow = flow.via === 'subscription' ? `-. "${text}" .->` : `-- "${text}" -->`;
    lines.push(`  ${id(flow.from)} ${arrow} ${id(flow.to)}`);
  }
  return lines.join('\n');
}

export function sagasMarkdown(project: Project): string {
  const parts = ['# Sagas', '', 'State machines of the saga orchestrators, generated from the saga YAML.', ''];
  for (const saga of project.sagas) {
    parts.push(`## ${saga.name}`, '');
    if (saga.description !== undefined) parts.push(saga.description, '');
    parts.push(
      `Orchestrated by the \`${saga.orchestrator}\` service, started by \`${saga.startedBy}\`, correlated by \`${saga.correlationKey}\`.`,
      '',
      '```mermaid',
      sagaStateDiagram(saga),
      '```',
      '',
      '| Step | Participant | Command | Success | Failure | Compensation | Timeout | Attempts |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const step of saga.steps) {
      const compensation = step.compensation ? `${step.compensation.command} -> ${step.compensation.reply}` : '-';
      const failure = step.onFailure.length > 0 ? step.onFailure.join(', ') : '-';
      parts.push(
        `| ${step.name} | ${step.participant} | ${step.command} | ${step.onSuccess} | ${failure} | ${compensation} | ${duration(step.timeoutMs)} | ${step.retry.maxAttempts} |`,
      );
    }
    parts.push(
      '',
      'A compensation is retried until its participant confirms it (after its attempts, with pauses growing to 5 min); a saga waiting on one that can never succeed stays in its `COMPENSATING_<STEP>` state for a person (`confirmCompensation`, see edasaga\'s docs/runtime.md).',
      '',
    );
  }
  for (const c of project.choreographies) parts.push(...choreographyMarkdown(c));
  if (project.sagas.length === 0 && project.choreographies.length === 0) parts.push('This catalog has no sagas.', '');
  return parts.join('\n');
}

export function eventFlowMarkdown(project: Project): string {
  return [
    '# Event flow',
    '',
    'Messages between services: solid edges are saga commands and replies, dashed edges are',
    'subscriptions (choreography). Generated from the catalog and the sagas.',
    '',
    '```mermaid',
    eventFlowDiagram(project),
    '```',
    '',
  ].join('\n');
}
