// Per consuming service: a generated contract (src/generated/services/<service>.ts: the handlers
// interface and the messages it consumes) and a user-owned handlers file created once
// (src/services/<service>/handlers.ts) that edasaga only ever extends with a handler for a new message.
import type { Catalog, Message } from '../../model/types.js';
import type { PlannedFile } from '../plan.js';
import { consumedMessages } from '../facts.js';
import { layout } from '../layout.js';
import { camelCase, pascalCase } from '../../names/case.js';
import { jsDoc, pathSegment } from '../names.js';

export function handlersInterfaceName(service: string): string {
  return `${pascalCase(service)}Handlers`;
}

export function handlersObjectName(service: string): string {
  return `${camelCase(service)}Handlers`;
}

function describe(message: Message): string {
  return `${message.name} (${message.kind} from the ${message.service} service, topic "${message.topic}")${message.description ? `: ${message.description}` : ''}`;
}

function contract(service: string, messages: readonly Message[]): PlannedFile {
  const interfaceName = handlersInterfaceName(service);
  const imports = messages
    .map((m) => `import { ${m.name}, type ${m.name}Message } from '../messages/${pathSegment(m.name)}.js';\n`)
    .join('');
  const members = messages
    .map((m) => `${jsDoc([describe(m)], '  ')}  ${m.name}(message: ${m.name}Message, ctx: Ctx): Promise<void>;\n`)
    .join('');
  const content = `${imports}import type { HandlerContext } from '../support.js';

/**
 * The messages the ${service} service handles: its subscriptions and the commands addressed to it.
 * Implemented in ${layout.handlers(service)}.
 */
export interface ${interfaceName}<Ctx extends HandlerContext = HandlerContext> {
${members}}

/** What the ${service} service consumes, for subscribing (topics) and decoding. */
export const ${camelCase(service)}Consumes = [${messages.map((m) => m.name).join(', ')}] as const;
`;
  return { path: layout.serviceContract(service), ownership: 'generated', content };
}

// A skeleton throws rather than acknowledging: an unimplemented command would otherwise vanish and
// leave its saga waiting for a timeout, and an event would be lost. Thrown, the message is retried
// and then dead-lettered, where it waits to be replayed once the handler is written.
function handlerMember(message: Message, service: string): string {
  return `${jsDoc([describe(message)], '  ')}  async ${message.name}(message: ${message.name}Message, ctx: HandlerContext): Promise<void> {
    ctx.log('${message.name} has no handler yet', { subject: message.subject });
    throw new Error('not implemented: handle ${message.name} in ${layout.handlers(service)}');
  },
`;
}

function handlersFile(service: string, messages: readonly Message[]): PlannedFile {
  const interfaceName = handlersInterfaceName(service);
  const objectName = handlersObjectName(service);
  const importPath = '../../generated/index.js';
  const members = messages.map((m) => ({ name: m.name, text: handlerMember(m, service) }));
  const names = ['HandlerContext', interfaceName, ...messages.map((m) => `${m.name}Message`)];
  const content = `// The ${service} service's message handlers. This file is yours: edasaga created it once and only
// ever adds a handler here when the catalog gains a message this service consumes.
import type { ${names.join(', ')} } from '${importPath}';

export const ${objectName} = {
${members.map((m) => m.text).join('')}} satisfies ${interfaceName};
`;
  return {
    path: layout.handlers(service),
    ownership: 'user',
    content,
    extend: { container: objectName, members, imports: { [importPath]: names } },
  };
}

export function emitServices(catalog: Catalog): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const [service, messages] of consumedMessages(catalog)) {
    if (messages.length === 0) continue;
    files.push(contract(service, messages), handlersFile(service, messages));
  }
  return files;
}
