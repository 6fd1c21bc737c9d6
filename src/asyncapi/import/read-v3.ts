// AsyncAPI 3.x: channels (address, messages), operations (send/receive on a channel, a subset of
// its messages, a reply), components.schemas.

import { readCommon, readSchemas, registerMessage, serviceOf, warnUnmapped } from './read-common.js';
import type { ApiDocument, ApiMessage, ApiOperation, Located, Loc } from './model.js';
import { child, type Reader } from './model.js';

export function readV3(reader: Reader): ApiDocument {
  const root = reader.root;
  const common = readCommon(reader);
  const messages = new Map<string, ApiMessage>();
  /** Channel location -> its topic and the ids of its messages by key. */
  const channels = new Map<string, { topic: string; at: Loc; byKey: Map<string, string> }>();

  for (const [key, raw, at] of reader.entries(root, 'channels')) {
    const channel = reader.deref(raw, at);
    if (!channel) continue;
    const address = channel.value['address'];
    const topic = typeof address === 'string' ? address : key;
    if (typeof address !== 'string') {
      reader.warn('W_ASYNCAPI_GUESSED', `channel "${key}" has no address; its key is used as the topic`, at);
    }
    warnUnmapped(reader, channel, ['parameters', 'servers', 'externalDocs'], `channel "${key}"`);
    const byKey = new Map<string, string>();
    for (const [mkey, mraw, mat] of reader.entries(channel, 'messages')) {
      const message = reader.deref(mraw, mat);
      if (!message) continue;
      const id = registerMessage(reader, messages, message, mkey, topic, channel.at);
      byKey.set(mkey, id);
    }
    channels.set(locKey(channel.at), { topic, at: channel.at, byKey });
  }

  const operations: ApiOperation[] = [];
  for (const [opId, raw, at] of reader.entries(root, 'operations')) {
    const found = reader.deref(raw, at);
    if (!found) continue;
    const op = reader.withTraits(found);
    const action = op.value['action'];
    if (action !== 'send' && action !== 'receive') {
      reader.error('E_ASYNCAPI_INVALID', `operation "${opId}": \`action\` must be send or receive`, child(op.at, 'action'));
      continue;
    }
    const channel = channelOf(reader, op, 'channel', channels);
    if (!channel) {
      reader.error('E_ASYNCAPI_INVALID', `operation "${opId}" has no \`channel\` (a $ref to one of the document's channels)`, op.at);
      continue;
    }
    const ids = messagesOf(reader, messages, op, channel);
    let replies: string[] = [];
    const replyRaw = op.value['reply'];
    if (replyRaw !== undefined) {
      const reply = reader.deref(replyRaw, child(op.at, 'reply'));
      if (reply) {
        if (reply.value['address'] !== undefined) {
          reader.warn('W_ASYNCAPI_UNMAPPED', `operation "${opId}": a dynamic reply address is not mapped; replies travel on their message's topic`, child(reply.at, 'address'));
        }
        const replyChannel = channelOf(reader, reply, 'channel', channels) ?? channel;
        replies = messagesOf(reader, messages, reply, replyChannel);
      }
    }
    warnUnmapped(reader, op, ['security', 'externalDocs'], `operation "${opId}"`);
    operations.push({ service: serviceOf(reader, op, common.appService), action, messages: ids, replies, at: op.at, ext: reader.ext(op.value) });
  }

  return { ...common.doc, messages, operations, schemas: readSchemas(reader) };
}

function locKey(at: Loc): string {
  return `${at.file}#${at.pointer}`;
}

function channelOf(reader: Reader, parent: Located, field: string, channels: Map<string, { topic: string; at: Loc; byKey: Map<string, string> }>) {
  const raw = parent.value[field];
  if (raw === undefined) return undefined;
  const channel = reader.deref(raw, child(parent.at, field));
  if (!channel) return undefined;
  const known = channels.get(locKey(channel.at));
  if (known) return known;
  reader.error('E_ASYNCAPI_INVALID', 'this channel is not one of the document\'s `channels`', child(parent.at, field));
  return undefined;
}

/** The messages an operation (or reply) names; all of its channel's when it names none. */
function messagesOf(reader: Reader, messages: Map<string, ApiMessage>, parent: Located, channel: { topic: string; at: Loc; byKey: Map<string, string> }): string[] {
  if (parent.value['messages'] === undefined) return [...channel.byKey.values()];
  const ids: string[] = [];
  for (const [raw, at] of reader.items(parent, 'messages')) {
    const message = reader.deref(raw, at);
    if (!message) continue;
    const key = message.at.pointer.split('/').pop() ?? 'Message';
    ids.push(registerMessage(reader, messages, message, key, channel.topic, channel.at));
  }
  return ids;
}
