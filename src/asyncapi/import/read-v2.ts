// AsyncAPI 2.x: channels keyed by their address, each with up to two operations seen from the
// application: `subscribe` (others subscribe, so the application sends) and `publish` (others
// publish, so the application receives). An operation's `message` is one message or `oneOf` them.
// There is no request/reply in 2.x: every message is an event unless `x-edasaga` says otherwise.

import { pascalCase } from '../../names/case.js';
import { isSchemaObject } from '../../schema/walk.js';
import { readCommon, readSchemas, registerMessage, serviceOf, warnUnmapped } from './read-common.js';
import type { ApiDocument, ApiMessage, ApiOperation, Located } from './model.js';
import { child, type Reader, str } from './model.js';

const ACTIONS = [
  ['subscribe', 'send'],
  ['publish', 'receive'],
] as const;

export function readV2(reader: Reader): ApiDocument {
  const root = reader.root;
  const common = readCommon(reader);
  const messages = new Map<string, ApiMessage>();
  const operations: ApiOperation[] = [];

  for (const [address, raw, at] of reader.entries(root, 'channels')) {
    const channel = reader.deref(raw, at);
    if (!channel) continue;
    warnUnmapped(reader, channel, ['parameters', 'servers'], `channel "${address}"`);
    for (const [field, action] of ACTIONS) {
      const opRaw = channel.value[field];
      if (opRaw === undefined) continue;
      const found = reader.deref(opRaw, child(channel.at, field));
      if (!found) continue;
      const op = reader.withTraits(found);
      const fallbackKey = pascalCase(str(op.value['operationId']) ?? `${address}-${action === 'send' ? 'sent' : 'received'}`);
      const ids = operationMessages(reader, op).map((message) => registerMessage(reader, messages, message, keyOf(message, fallbackKey), address, channel.at));
      warnUnmapped(reader, op, ['security', 'externalDocs'], `operation ${field} of channel "${address}"`);
      operations.push({ service: serviceOf(reader, op, common.appService), action, messages: ids, replies: [], at: op.at, ext: reader.ext(op.value) });
    }
  }
  return { ...common.doc, messages, operations, schemas: readSchemas(reader) };
}

function operationMessages(reader: Reader, op: Located): Located[] {
  const raw = op.value['message'];
  if (raw === undefined) return [];
  const message = reader.deref(raw, child(op.at, 'message'));
  if (!message) return [];
  if (!Array.isArray(message.value['oneOf'])) return [message];
  return reader.items(message, 'oneOf').flatMap(([m, at]) => reader.deref(m, at) ?? []);
}

/** `messageId`, else the components key it is filed under, else a name made up from the operation. */
function keyOf(message: Located, fallback: string): string {
  const id = str(message.value['messageId']);
  if (id !== undefined) return id;
  const m = /\/components\/messages\/([^/]+)$/.exec(message.at.pointer);
  if (m) return m[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
  return isSchemaObject(message.value) && typeof message.value['name'] === 'string' ? message.value['name'] : fallback;
}
