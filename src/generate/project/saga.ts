// Saga orchestrators: per saga, a generated module with the explicit state machine as data and a
// SagaDefinition factory for the runtime's engine, and a user-owned builders file that says how the
// saga's data becomes each command's payload. Builders are generated once with defaults where a
// field of the command has the same name (and the same schema) in the starting event or in a reply
// the saga has by then; every other field is a `todo(...)` that compiles and throws a clear error.
import type { Catalog, Message, Project, Saga } from '../../model/types.js';
import type { PlannedFile } from '../plan.js';
import { deriveSagaMachine } from '../../runtime/saga/definition.js';
import { camelCase, pascalCase } from '../../names/case.js';
import { jsDoc, pathSegment, propertyAccess, propertyKey, stringLiteral } from '../names.js';
import { payloadFields, sameSchema } from './fields.js';
import { APP_DIR } from './paths.js';
import { templateText } from './sources.js';

export const SAGA_SUPPORT = `${APP_DIR}/saga-support.ts`;
export const sagaModulePath = (saga: Saga): string => `${APP_DIR}/sagas/${pathSegment(saga.name)}.ts`;
export const sagaBuildersPath = (saga: Saga): string => `src/sagas/${pathSegment(saga.name)}.ts`;
export const sagaFactoryName = (saga: Saga): string => `${camelCase(saga.name)}Definition`;
export const sagaBuildersName = (saga: Saga): string => `${camelCase(saga.name)}Builders`;
const dataType = (saga: Saga): string => `${pascalCase(saga.name)}Data`;
const buildersType = (saga: Saga): string => `${pascalCase(saga.name)}Builders`;


/** Fixed: a copy of templates/project/src/generated/app/saga-support.ts. */
export function emitSagaSupport(): PlannedFile {
  return { path: SAGA_SUPPORT, ownership: 'generated', content: templateText('src/generated/app/saga-support.ts') };
}

interface Source {
  readonly message: Message;
  /** The reply is guaranteed to be there (only the starting event is). */
  readonly start: boolean;
}

/** The messages whose fields a builder may read, best first. */
function sourcesFor(saga: Saga, byName: Map<string, Message>, target: { kind: 'command' | 'compensation' | 'completed' | 'compensated'; step?: number }): Source[] {
  const list: Source[] = [];
  const add = (name: string, start = false): void => {
    const message = byName.get(name);
    if (message !== undefined && !list.some((s) => s.message.name === name)) list.push({ message, start });
  };
  add(saga.startedBy, true);
  const steps = saga.steps;
  const upTo = target.kind === 'command' ? (target.step ?? 0) - 1 : target.kind === 'compensation' ? (target.step ?? 0) : steps.length - 1;
  for (let i = upTo; i >= 0; i--) add(steps[i]!.onSuccess);
  if (target.kind === 'compensated') for (const step of steps) for (const failure of step.onFailure) add(failure);
  return list;
}

function builderBody(catalog: Catalog, saga: Saga, message: Message, sources: readonly Source[]): string {
  const lines: string[] = [];
  for (const field of payloadFields(catalog, message)) {
    const key = propertyKey(field.name);
    const matches = sources.filter((source) => payloadFields(catalog, source.message).some((f) => f.name === field.name && sameSchema(f.schema, field.schema)));
    const fromStart = matches.find((source) => source.start);
    const replies = matches.filter((source) => !source.start);
    const startRequired = fromStart !== undefined && payloadFields(catalog, fromStart.message).some((f) => f.name === field.name && f.required);
    const optionalAccess = (source: Source): string => `data.replies.${source.message.name}?.${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(field.name) ? field.name : `[${stringLiteral(field.name)}]`}`;
    if (fromStart !== undefined && (startRequired || !field.required)) {
      const access = propertyAccess('data.start', field.name);
      lines.push(startRequired ? `      ${key}: ${access},` : `      ...optional(${stringLiteral(field.name)}, ${access}),`);
    } else if (replies.length > 0 && field.required) {
      // The reply (or one of several alternatives, e.g. the failure that ended the saga) must be
      // there, and it must have the field: a reply where the field is optional cannot end the chain
      // (its value may be missing), so the chain ends in one where it is required, or in a todo.
      const sure = [...replies].reverse().find((source) => payloadFields(catalog, source.message).some((f) => f.name === field.name && f.required));
      const chain = [
        ...replies.filter((source) => source !== sure).map(optionalAccess),
        sure === undefined ? `todo(${stringLiteral(`${saga.name}: ${message.name}.${field.name}`)})` : propertyAccess(`requireReply(data, ${stringLiteral(sure.message.name)})`, field.name),
      ];
      lines.push(`      ${key}: ${chain.join(' ?? ')},`);
    } else if (replies.length > 0) {
      lines.push(`      ...optional(${stringLiteral(field.name)}, ${replies.map(optionalAccess).join(' ?? ')}),`);
    } else if (field.required) {
      lines.push(`      ${key}: todo(${stringLiteral(`${saga.name}: ${message.name}.${field.name}`)}),`);
    }
  }
  return `    return {\n${lines.join('\n')}\n    };`;
}

interface BuiltMessage {
  readonly message: Message;
  readonly sources: Source[];
}

function builtMessages(project: Project, saga: Saga): BuiltMessage[] {
  const byName = new Map(project.catalog.messages.map((m) => [m.name, m]));
  const out: BuiltMessage[] = [];
  const add = (name: string, sources: Source[]): void => {
    const message = byName.get(name);
    if (message !== undefined && !out.some((b) => b.message.name === name)) out.push({ message, sources });
  };
  saga.steps.forEach((step, index) => {
    add(step.command, sourcesFor(saga, byName, { kind: 'command', step: index }));
    if (step.compensation !== undefined) add(step.compensation.command, sourcesFor(saga, byName, { kind: 'compensation', step: index }));
  });
  for (const name of saga.onCompleted) add(name, sourcesFor(saga, byName, { kind: 'completed' }));
  for (const name of saga.onCompensated) add(name, sourcesFor(saga, byName, { kind: 'compensated' }));
  return out;
}

function replyNames(saga: Saga): string[] {
  const names = new Set<string>();
  for (const step of saga.steps) {
    names.add(step.onSuccess);
    for (const failure of step.onFailure) names.add(failure);
    if (step.compensation !== undefined) names.add(step.compensation.reply);
  }
  return [...names];
}

function builderMember(saga: Saga, built: BuiltMessage, body: string): string {
  return `${jsDoc([`The payload of ${built.message.name} (${built.message.kind} to the ${built.message.service} service).`], '  ')}  ${built.message.name}(data: ${dataType(saga)}): ${built.message.name} {
${body}
  },
`;
}

export function emitSaga(project: Project, saga: Saga): PlannedFile[] {
  const { catalog } = project;
  const built = builtMessages(project, saga);
  const replies = replyNames(saga);
  const machine = deriveSagaMachine(
    saga.steps.map((step) => ({
      name: step.name,
      success: `${catalog.namespace}.${step.onSuccess}`,
      failures: step.onFailure.map((f) => `${catalog.namespace}.${f}`),
      ...(step.compensation === undefined ? {} : { compensation: { reply: `${catalog.namespace}.${step.compensation.reply}` } }),
      timeoutMs: step.timeoutMs,
    })),
  );
  const D = dataType(saga);
  const B = buildersType(saga);
  // The catalog's messages through a namespace and the runtime's names through others: message names
  // are the user's and may equal any name this module uses for itself (SagaDefinition, SagaData, ...).
  const m = (name: string): string => `catalog.${name}`;
  const step = (s: Saga['steps'][number]): string => {
    const compensation =
      s.compensation === undefined
        ? ''
        : `\n        compensation: { command: support.sends(${m(s.compensation.command)}, (data: ${D}) => builders.${s.compensation.command}(data)), reply: support.awaits<${D}, ${m(s.compensation.reply)}>(${m(s.compensation.reply)}) },`;
    return `      {
        name: ${stringLiteral(s.name)},
        participant: ${stringLiteral(s.participant)},
        command: support.sends(${m(s.command)}, (data: ${D}) => builders.${s.command}(data)),
        success: support.awaits<${D}, ${m(s.onSuccess)}>(${m(s.onSuccess)}),
        failures: [${s.onFailure.map((f) => `support.awaits<${D}, ${m(f)}>(${m(f)})`).join(', ')}],${compensation}
        timeoutMs: ${s.timeoutMs},
        retry: { maxAttempts: ${s.retry.maxAttempts}, backoff: { initialMs: ${s.retry.backoff.initialMs}, multiplier: ${s.retry.backoff.multiplier}, maxMs: ${s.retry.backoff.maxMs} } },
      },`;
  };
  const generated = `import type * as engine from '../../runtime/index.js';
import * as catalog from '../../index.js';
import * as support from '../saga-support.js';

${jsDoc([`What the ${saga.name} knows: the ${saga.startedBy} that started it and the latest reply of each kind.`])}export type ${D} = support.SagaData<${m(saga.startedBy)}, {
${replies.map((r) => `  readonly ${r}?: ${m(r)};\n`).join('')}}>;

${jsDoc([`How the ${saga.name} builds the payload of every message it sends. Implemented (by you) in ${sagaBuildersPath(saga)}.`])}export interface ${B} {
${built.map((b) => `  ${b.message.name}(data: ${D}): ${m(b.message.name)};\n`).join('')}}

${jsDoc([`The ${saga.name} state machine, as data (see docs/sagas.md for the diagram).`])}export const ${camelCase(saga.name)}Machine: engine.SagaMachine = {
  states: [
${machine.states.map((state) => `    ${JSON.stringify(state)},`).join('\n')}
  ],
  transitions: [
${machine.transitions.map((t) => `    ${JSON.stringify(t)},`).join('\n')}
  ],
};

${jsDoc([saga.description, `Orchestrated by the ${saga.orchestrator} service; started by ${saga.startedBy}; correlated by "${saga.correlationKey}".`])}export function ${sagaFactoryName(saga)}(builders: ${B}): engine.SagaDefinition<${D}> {
  return {
    name: ${stringLiteral(saga.name)},
    orchestrator: ${stringLiteral(saga.orchestrator)},
    correlationKey: ${stringLiteral(saga.correlationKey)},
    startedBy: {
      type: ${m(saga.startedBy)}.type,
      topic: ${m(saga.startedBy)}.topic,
      decode: (envelope) => ${m(saga.startedBy)}.decode(envelope).data,
      start: (event): ${D} => ({ start: event as ${m(saga.startedBy)}, replies: {} }),
    },
    steps: [
${saga.steps.map(step).join('\n')}
    ],
    onCompleted: [${saga.onCompleted.map((n) => `support.sends(${m(n)}, (data: ${D}) => builders.${n}(data))`).join(', ')}],
    onCompensated: [${saga.onCompensated.map((n) => `support.sends(${m(n)}, (data: ${D}) => builders.${n}(data))`).join(', ')}],
    machine: ${camelCase(saga.name)}Machine,
  };
}
`;
  const userImports = [`import type { ${D}, ${B} } from '../generated/app/sagas/${pathSegment(saga.name)}.js';`];
  const members = built.map((b) => ({ name: b.message.name, text: builderMember(saga, b, builderBody(catalog, saga, b.message, b.sources)) }));
  const typeNames = built.map((b) => b.message.name);
  const user = `// How the ${saga.name} turns what it knows into the payload of each message it sends. This file is
// yours: edasaga created it once, with a default for every field whose name (and schema) it found in
// the starting event or in an earlier reply, and \`todo(...)\` for the rest. It only ever adds a
// builder here when the saga gains a message. Payloads are validated against the catalog when sent.
${userImports.join('\n')}
import type { ${typeNames.join(', ')} } from '../generated/index.js';
import { optional, requireReply, todo } from '../generated/app/saga-support.js';

// Referenced so that the defaults compile whichever helpers they happen to use.
void optional;
void requireReply;
void todo;

export const ${sagaBuildersName(saga)} = {
${members.map((m) => m.text).join('')}} satisfies ${B};
`;
  return [
    { path: sagaModulePath(saga), ownership: 'generated', content: generated },
    {
      path: sagaBuildersPath(saga),
      ownership: 'user',
      content: user,
      extend: {
        container: sagaBuildersName(saga),
        members,
        imports: { '../generated/index.js': typeNames, '../generated/app/saga-support.js': ['optional', 'requireReply', 'todo'] },
      },
    },
  ];
}
