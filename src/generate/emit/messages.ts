// src/generated/messages/<message>.ts: for every message, a readonly interface per version (nested
// objects as their own interfaces, shared definitions imported), the latest version under the
// message's own name, its typed envelope, and a companion object of the same name that creates,
// validates, wraps, decodes and upcasts. Interfaces plus a companion object rather than classes:
// payloads are plain JSON, so a validated `JSON.parse` result *is* the type, with no copying into
// instances and nothing lost when a message crosses the wire (see docs/generated-code.md).
import type { Catalog, Message } from '../../model/types.js';
import type { EmitContext, PlannedFile } from '../plan.js';
import { eventSource, eventType, latestVersion } from '../facts.js';
import { layout } from '../layout.js';
import { jsDoc, pathSegment, propertyAccess, stringLiteral } from '../names.js';
import { declareType, sharedScope } from '../schema-types.js';
import { upcastSteps } from '../upcast-analysis.js';

export function versionTypeName(message: Message, version: number): string {
  return `${message.name}V${version}`;
}

function keyExpression(message: Message, dataVar: string): string {
  const latest = message.versions[message.versions.length - 1]?.payload;
  const schema = typeof latest === 'object' ? latest : {};
  const required = Array.isArray(schema['required']) && schema['required'].includes(message.key);
  const access = propertyAccess(dataVar, message.key);
  return required ? `String(${access})` : `String(${access} ?? '')`;
}

function role(message: Message): string {
  const owner = message.kind === 'command' ? `A command handled by the ${message.service} service` : `${message.kind === 'event' ? 'An event' : 'A reply'} published by the ${message.service} service`;
  return `${owner}, on topic "${message.topic}", ordered by "${message.key}".`;
}

/** `typeNames`: every name src/generated/index.ts exports so far (nested types are added to it). */
export function emitMessage(catalog: Catalog, message: Message, ctx: EmitContext, typeNames: Set<string>): PlannedFile {
  const scope = sharedScope(ctx.refTypeName, typeNames);
  const latest = latestVersion(message);
  const latestType = versionTypeName(message, latest);
  const name = message.name;
  const body: string[] = [];

  for (const version of message.versions) {
    const typeName = versionTypeName(message, version.version);
    const docs = [
      version.version === 1 ? message.description : undefined,
      version.description,
      `Version ${version.version} of the ${name} payload${version.version === latest ? ' (the latest)' : ''}.`,
    ];
    const declaration = declareType(typeName, version.payload, scope, docs);
    body.push(...scope.declarations.splice(0), declaration);
  }

  const type = eventType(catalog, message);
  const steps = upcastSteps(message);
  const deprecated = message.deprecated === undefined ? undefined : `@deprecated ${message.deprecated.reason}`;
  body.push(
    jsDoc([message.description, `The latest version (${latest}) of the payload.`, deprecated]) +
      `export type ${name} = ${latestType};\n`,
    jsDoc([`The ${name} ${message.kind} in its CloudEvents envelope, its data upcast to the latest version.`]) +
      `export type ${name}Message = TypedEnvelope<${stringLiteral(type)}, ${name}>;\n`,
  );

  const validatorImports = message.versions.map((v) => `v${v.version} as validateV${v.version}`).join(', ');
  const readers = message.versions.map((v) => {
    const typeName = versionTypeName(message, v.version);
    let expression = `expectValid<${typeName}>(validateV${v.version}, MESSAGE_NAME, ${v.version}, data)`;
    for (const step of steps) {
      if (step.from >= v.version) expression = `upcast${name}V${step.from}ToV${step.to}(${expression})`;
    }
    return `function readV${v.version}(data: unknown): ${name} {\n  return ${expression};\n}\n`;
  });
  // Upper case with an underscore: no message name (PascalCase, letters and digits) can be the same.
  body.push(`const MESSAGE_NAME = ${stringLiteral(name)};\nconst MESSAGE_TYPE = ${stringLiteral(type)};\n`, ...readers);
  body.push(
    `const readers: ReadonlyMap<number, (data: unknown) => ${name}> = new Map([${message.versions
      .map((v) => `[${v.version}, readV${v.version}]`)
      .join(', ')}]);\n`,
    `function decode(envelope: EventEnvelope): ${name}Message {
  if (envelope.type !== MESSAGE_TYPE) throw new UnknownMessageError(envelope.type, envelope.dataversion);
  const read = readers.get(envelope.dataversion);
  if (read === undefined) throw new UnknownMessageError(envelope.type, envelope.dataversion, [...readers.keys()]);
  return { ...envelope, type: MESSAGE_TYPE, data: read(envelope.data) };
}
`,
  );

  const companion = `${jsDoc([message.description, role(message), deprecated])}export const ${name} = {
  name: MESSAGE_NAME,
  kind: ${stringLiteral(message.kind)},
  /** CloudEvents \`type\`. */
  type: MESSAGE_TYPE,
  /** CloudEvents \`source\` of the producing service. */
  source: ${stringLiteral(eventSource(catalog, message))},
  service: ${stringLiteral(message.service)},
  topic: ${stringLiteral(message.topic)},
  /** Payload property that orders and partitions the message (the envelope's \`subject\`). */
  key: ${stringLiteral(message.key)},
  /** The latest version: what \`create\` and \`envelope\` produce. */
  version: ${latest},
  versions: [${message.versions.map((v) => v.version).join(', ')}],
  /** Returns \`data\` when it matches the latest schema; throws a MessageValidationError naming the field. */
  create(data: ${name}): ${name} {
    return expectValid<${name}>(validateV${latest}, MESSAGE_NAME, ${latest}, data);
  },
  /** Checks unknown data against the latest schema without throwing. */
  validate(data: unknown): ValidationResult<${name}> {
    return check<${name}>(validateV${latest}, data);
  },
  is(data: unknown): data is ${name} {
    return validateV${latest}(data);
  },
  /** Validates \`data\` and wraps it in a CloudEvents envelope (subject: its ${message.key}). */
  envelope(data: ${name}, options: EnvelopeOptions = {}): ${name}Message {
    const valid = expectValid<${name}>(validateV${latest}, MESSAGE_NAME, ${latest}, data);
    const envelope = createEnvelope({
      ...envelopeMeta(options),
      source: ${name}.source,
      type: MESSAGE_TYPE,
      dataversion: ${latest},
      subject: options.subject ?? ${keyExpression(message, 'valid')},
      data: valid,
    });
    return { ...envelope, type: MESSAGE_TYPE };
  },
  /** Validates a received envelope with the schema of its version and upcasts its data to the latest. */
  decode,
  /** Validates \`data\` as version \`version\` and upcasts it to the latest version. */
  upcast(data: unknown, version: number): ${name} {
    const read = readers.get(version);
    if (read === undefined) throw new UnknownMessageError(MESSAGE_TYPE, version, [...readers.keys()]);
    return read(data);
  },
  /** (version) -> decoder, for the registry. */
  decoders: new Map<number, Decoder<${name}Message>>([${message.versions.map((v) => `[${v.version}, decode]`).join(', ')}]) as ReadonlyMap<number, Decoder<${name}Message>>,
} as const;
`;
  body.push(companion);

  const definitions = [...scope.refs].sort();
  const imports = [
    `import { createEnvelope, type EventEnvelope } from '../runtime/envelope.js';\n`,
    definitions.length > 0 ? `import type { ${definitions.join(', ')} } from '../definitions.js';\n` : '',
    `import { check, envelopeMeta, expectValid, UnknownMessageError, type Decoder, type EnvelopeOptions, type TypedEnvelope, type ValidationResult } from '../support.js';\n`,
    steps.length > 0
      ? `import { ${steps.map((s) => `upcast${name}V${s.from}ToV${s.to}`).join(', ')} } from '../upcasters/${pathSegment(name)}.js';\n`
      : '',
    `import { ${validatorImports} } from '../validators/${pathSegment(name)}.js';\n`,
  ];
  return { path: layout.message(name), ownership: 'generated', content: `${imports.join('')}\n${body.join('\n')}` };
}

export function emitMessages(catalog: Catalog, ctx: EmitContext, typeNames: Set<string>): PlannedFile[] {
  return catalog.messages.map((message) => emitMessage(catalog, message, ctx, typeNames));
}
