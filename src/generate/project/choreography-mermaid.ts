// The generated docs of a choreography: a Mermaid flowchart of every reaction (what it reacts to,
// its success and failure events, the reaction that undoes it) and a table of every path from the
// start, with how it ends and the compensations it runs. The paths are the ones `validate` checks
// (src/validate/choreography-paths.ts), so the docs show exactly what was proven.
import type { Choreography } from '../../model/types.js';
import { flowDiagnostics, type FlowInput, type FlowPath } from '../../validate/choreography-paths.js';

/** Text that is safe inside a Mermaid quoted label. */
function label(text: string): string {
  return text.replace(/["\r\n;:#]/g, ' ').replace(/[<>{}[\]|]/g, '').trim();
}

/** The model as the path checks read it (valid: every name resolves). */
export function flowInput(c: Choreography): FlowInput {
  return {
    startedBy: c.startedBy,
    origin: c.origin,
    reactions: c.reactions.map((r, index) => ({
      index,
      name: r.name,
      service: r.service,
      on: r.on.map((event, j) => ({ event, segments: ['reactions', index, 'on', j] })),
      outcomes: [
        ...(r.onSuccess !== undefined ? [{ event: r.onSuccess, failure: false, segments: ['reactions', index, 'onSuccess'] }] : []),
        ...r.onFailure.map((event, j) => ({ event, failure: true, segments: ['reactions', index, 'onFailure', j] })),
      ],
      ...(r.compensation !== undefined ? { compensation: r.compensation } : {}),
    })),
    terminals: [...c.onCompleted.map((event, i) => ({ event, completed: true, segments: ['onCompleted', i] })), ...c.onCompensated.map((event, i) => ({ event, completed: false, segments: ['onCompensated', i] }))],
  };
}

export function choreographyPaths(c: Choreography): FlowPath[] {
  const paths: FlowPath[] = [];
  flowDiagnostics(flowInput(c), (_s, code, message) => ({ code, severity: 'error', message }), (p) => paths.push(p));
  return paths;
}

/**
 * Events are rounded nodes (the start and the terminal ones marked), reactions boxes named
 * `service: reaction`. Solid edges: an event triggers a reaction, a reaction publishes its success;
 * dashed: a failure; dotted with "undone by": the compensation of a reaction.
 */
export function choreographyDiagram(c: Choreography): string {
  const lines = ['flowchart TD'];
  const events = new Map<string, string>();
  const event = (name: string): string => {
    let id = events.get(name);
    if (id === undefined) {
      id = `e${events.size}`;
      events.set(name, id);
      lines.push(`  ${id}(["${label(name)}"])`);
    }
    return id;
  };
  event(c.startedBy);
  const reactionId = new Map(c.reactions.map((r, i) => [r.name, `r${i}`]));
  c.reactions.forEach((r, i) => {
    lines.push(`  r${i}["${label(r.service)}: ${label(r.name)}"]`);
    for (const on of r.on) lines.push(`  ${event(on)} --> r${i}`);
    if (r.onSuccess !== undefined) lines.push(`  r${i} -- "success" --> ${event(r.onSuccess)}`);
    for (const failure of r.onFailure) lines.push(`  r${i} -. "failure" .-> ${event(failure)}`);
  });
  c.reactions.forEach((r, i) => {
    const comp = r.compensation === undefined ? undefined : reactionId.get(r.compensation);
    if (comp !== undefined) lines.push(`  r${i} -. "undone by" .-> ${comp}`);
  });
  for (const name of [...c.onCompleted, ...c.onCompensated]) event(name);
  lines.push('  classDef start fill:#e3f2fd,stroke:#1565c0');
  lines.push('  classDef completed fill:#e8f5e9,stroke:#2e7d32');
  lines.push('  classDef compensated fill:#fff3e0,stroke:#e65100');
  lines.push('  classDef failure stroke:#c62828,stroke-dasharray:4 2');
  lines.push(`  class ${event(c.startedBy)} start`);
  const ids = (names: readonly string[]): string => [...new Set(names.map(event))].join(',');
  if (c.onCompleted.length > 0) lines.push(`  class ${ids(c.onCompleted)} completed`);
  if (c.onCompensated.length > 0) lines.push(`  class ${ids(c.onCompensated)} compensated`);
  const failures = c.reactions.flatMap((r) => r.onFailure).filter((f) => !c.onCompensated.includes(f) && !c.onCompleted.includes(f));
  if (failures.length > 0) lines.push(`  class ${ids(failures)} failure`);
  return lines.join('\n');
}

export function choreographyMarkdown(c: Choreography): string[] {
  const compensations = new Set(c.reactions.flatMap((r) => (r.compensation !== undefined ? [r.compensation] : [])));
  const completed = new Set(c.onCompleted);
  const parts: string[] = [`## ${c.name} (choreography)`, ''];
  if (c.description !== undefined) parts.push(c.description, '');
  parts.push(
    `No orchestrator: each service reacts to the events before it. Started by \`${c.startedBy}\` from the \`${c.origin}\` service, which follows every event of the flow; correlated by \`${c.correlationKey}\`. Ends in ${[...c.onCompleted, ...c.onCompensated].map((e) => `\`${e}\``).join(', ') || 'no terminal event'}.`,
    '',
    '```mermaid',
    choreographyDiagram(c),
    '```',
    '',
    '| Reaction | Service | On | Success | Failure | Undone by |',
    '| --- | --- | --- | --- | --- | --- |',
    ...c.reactions.map((r) => `| ${r.name} | ${r.service} | ${r.on.join(', ')} | ${r.onSuccess ?? '-'} | ${r.onFailure.join(', ') || '-'} | ${r.compensation ?? '-'} |`),
    '',
    'Every path from the start (each reaction publishes one of its outcomes), as `edasaga validate` checked it:',
    '',
    '| Path | Ends | Failure | Compensations run |',
    '| --- | --- | --- | --- |',
  );
  for (const path of choreographyPaths(c)) {
    const end = path.ends[0];
    const status = end === undefined ? '-' : completed.has(end.event) ? 'COMPLETED' : 'COMPENSATED';
    const ran = path.reactions.filter((r) => compensations.has(r));
    parts.push(`| ${end?.chain ?? '-'} | ${end === undefined ? '-' : `${end.event} (${status})`} | ${path.failures.join(', ') || '-'} | ${ran.join(', ') || '-'} |`);
  }
  parts.push('');
  return parts;
}
