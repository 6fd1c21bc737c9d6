// Mutations of the example catalog and saga (examples/order-system), as fast-check arbitraries:
// deleted, duplicated and misspelt keys, swapped types, huge and negative numbers, unicode and
// control characters, hostile names (put in one place, or everywhere the name is used), `$ref`
// cycles and `$ref`s that leave the project, and damage to the text itself (lines, line ends,
// YAML syntax, nesting, bytes). Data mutations go through `yaml`'s Document so that the rest of the
// file keeps its formatting (and the fast YAML path keeps being tried); text ones edit the text.
import fc from 'fast-check';
import { isMap, isScalar, isSeq, parseDocument, visit, type Document, type Pair, type Scalar } from 'yaml';

export type Target = 'catalog' | 'saga';

export interface Files {
  catalog: string;
  saga: string;
  /** Byte offsets (as a fraction of the length) to overwrite when the files are written. */
  bytes: { target: Target; at: number; byte: number }[];
}

export type Mutation =
  | { kind: 'delete-key'; target: Target; pick: number }
  | { kind: 'misspell-key'; target: Target; pick: number; how: number }
  | { kind: 'swap-type'; target: Target; pick: number; value: unknown }
  | { kind: 'number'; target: Target; pick: number; value: number | string }
  | { kind: 'unicode'; target: Target; pick: number; text: string }
  | { kind: 'hostile-key'; target: Target; pick: number; name: string }
  | { kind: 'rename'; what: 'message' | 'service' | 'definition' | 'saga' | 'step'; pick: number; name: string }
  | { kind: 'ref'; pick: number; ref: string; cycle: boolean }
  | { kind: 'line'; target: Target; op: 'delete' | 'duplicate' | 'swap'; at: number }
  | { kind: 'line-ends'; target: Target; ends: '\r\n' | '\r' }
  | { kind: 'insert'; target: Target; at: number; text: string }
  | { kind: 'truncate'; target: Target; at: number }
  | { kind: 'deep'; target: Target; pick: number; depth: number; flow: boolean }
  | { kind: 'byte'; target: Target; at: number; byte: number };

/** Names that have broken generated code or the rules before, or look as if they could. */
export const HOSTILE_NAMES = [
  'Migration', 'ServiceName', 'SagaData', 'SagaDefinition', 'AppHandler', 'Db', 'Env', 'Tx', 'NAME', 'TYPE', 'ProcessPaymentV1',
  'OrderCreatedMessage', 'PaymentHandlers', 'OrderSagaData', 'EventEnvelope', 'HandlerContext', 'Any', 'Decoder', 'Promise', 'Object',
  'Con', 'Lpt1', 'class', 'constructor', '__proto__', 'prototype', 'greeterBot', 'greeter-bot', 'a-b-c', 'x1', 'A', 'ABC', 'HTTPRequest2',
  '', ' ', 'Order Created', 'Über', 'a/b', '../x', '..', '$ref', '1', 'true', 'null', '*/', '${x}', '`', 'x'.repeat(101), 'X'.repeat(100),
];

const UNICODE = ['\u202e', '\u{1F600}', 'é', 'e\u0301', '\u0085', '\u2028', '\u2029', '\u200b', '\ufeff', '\x1b[31m', '\t', '\r', '\x7f', '\u0000', '\ud800', '*/', '${globalThis.pwned = 1}', '"', "'", '\\', '\n', 'x'.repeat(20_000)];
const NUMBERS: (number | string)[] = [1e308, -1e308, 2 ** 53 + 1, -1, -0, 0, 1e-320, 1e21, 0.5, -2147483649, '123456789012345678901234567890', '.inf', '-.inf', '.nan', '0x1F', '0o17', '1_000'];
const VALUES: unknown[] = [42, -1, 1e308, 0.5, true, false, null, 'text', '', [], {}, [1, 'a', null], { a: 1 }, { type: 'object' }, { $ref: '#/definitions/Money' }];
const REFS = [
  '#/definitions/Nope', '#/definitions/Mony', '#/nope', '#anchor', '#', '../outside.json', '../../etc/passwd', '/etc/passwd', 'file:///etc/passwd',
  'http://example.com/x.json', 'https://example.com/schema#/a', './missing.json', './schemas/self.json', '%', '#/definitions/Money/properties',
];
const INSERTS = ['\t', ': ', '- ', '&a ', '*a ', '*later', '<<: *later\n', '<<: *none\n', '{', '[', '}', ']', '"', "'", '# ', '!!str ', '!custom ', '---\n', '...\n', '%YAML 1.2\n', '? ', 'key: value\n', '  ', '\n', '|2\n', '>-\n', '\\\n'];

const target = fc.constantFrom<Target>('catalog', 'catalog', 'saga');
const pick = fc.nat();

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('delete-key' as const), target, pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('misspell-key' as const), target, pick, how: fc.nat(4) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('swap-type' as const), target, pick, value: fc.constantFrom(...VALUES) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('number' as const), target, pick, value: fc.constantFrom(...NUMBERS) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('unicode' as const), target, pick, text: fc.constantFrom(...UNICODE) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('hostile-key' as const), target, pick, name: fc.constantFrom(...HOSTILE_NAMES) }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('rename' as const), what: fc.constantFrom('message' as const, 'service' as const, 'definition' as const, 'saga' as const, 'step' as const), pick, name: fc.constantFrom(...HOSTILE_NAMES) }),
    weight: 4,
  },
  { arbitrary: fc.record({ kind: fc.constant('ref' as const), pick, ref: fc.constantFrom(...REFS), cycle: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('line' as const), target, op: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const), at: pick }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('line-ends' as const), target, ends: fc.constantFrom('\r\n' as const, '\r' as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), target, at: pick, text: fc.constantFrom(...INSERTS) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('truncate' as const), target, at: pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('deep' as const), target, pick, depth: fc.constantFrom(50, 99, 101, 150, 1000), flow: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('byte' as const), target, at: pick, byte: fc.constantFrom(0x00, 0xff, 0xc3, 0x80, 0xed) }), weight: 1 },
);

/** One to three mutations; now and then none of them touches anything that matters. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

// ---- applying them ----

function nth<T>(items: readonly T[], pickValue: number): T | undefined {
  return items.length === 0 ? undefined : items[pickValue % items.length];
}

function pairsOf(doc: Document): Pair[] {
  const pairs: Pair[] = [];
  visit(doc, { Pair: (_, pair) => void pairs.push(pair as Pair) });
  return pairs;
}

function scalarsOf(doc: Document, test: (s: Scalar) => boolean): Scalar[] {
  const found: Scalar[] = [];
  visit(doc, { Scalar: (_, s) => void (test(s) ? found.push(s) : undefined) });
  return found;
}

/** Edits the document of `text`; leaves the text alone when it does not parse (a text mutation came first). */
function editDocument(text: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) return text;
  try {
    edit(doc);
    return doc.toString({ lineWidth: 0 });
  } catch {
    return text;
  }
}

function misspell(key: string, how: number): string {
  if (key.length < 2) return `${key}x`;
  switch (how) {
    case 0:
      return key.slice(0, 1) + key.slice(2); // a letter dropped
    case 1:
      return key.slice(0, 1) + key[2] + key[1] + key.slice(3); // two swapped
    case 2:
      return key.toUpperCase() === key ? key.toLowerCase() : key.toUpperCase();
    case 3:
      return `${key}s`;
    default:
      return ` ${key}`;
  }
}

/** Where each kind of name is declared (to pick one) in the example's files, read off the syntax tree. */
function declaredNames(files: Files, what: Extract<Mutation, { kind: 'rename' }>['what']): string[] {
  const keys = (node: unknown): string[] => (isMap(node) ? node.items.flatMap((p) => (isScalar(p.key) ? [String(p.key.value)] : [])) : []);
  const catalog = parseDocument(files.catalog, { uniqueKeys: false });
  const saga = parseDocument(files.saga, { uniqueKeys: false });
  switch (what) {
    case 'message':
    case 'service':
    case 'definition':
      return keys(catalog.get(`${what === 'message' ? 'messages' : what === 'service' ? 'services' : 'definitions'}`));
    case 'saga': {
      const name = saga.getIn(['saga', 'name']);
      return typeof name === 'string' ? [name] : [];
    }
    case 'step': {
      const steps = saga.getIn(['saga', 'steps']);
      return isSeq(steps) ? steps.items.flatMap((s) => (isMap(s) && typeof s.get('name') === 'string' ? [s.get('name') as string] : [])) : [];
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A name as YAML text: plain when YAML reads it back as the same string, quoted otherwise. */
function yamlName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9-]*$/.test(name) && !/^(true|false|null|yes|no|on|off)$/i.test(name) ? name : JSON.stringify(name);
}

export function applyMutation(files: Files, m: Mutation): void {
  const edit = (t: Target, fn: (doc: Document) => void) => {
    files[t] = editDocument(files[t], fn);
  };
  switch (m.kind) {
    case 'delete-key':
      return edit(m.target, (doc) => {
        const pair = nth(pairsOf(doc), m.pick);
        if (pair === undefined) return;
        visit(doc, { Pair: (_, p) => (p === pair ? visit.REMOVE : undefined) });
      });
    case 'misspell-key':
      return edit(m.target, (doc) => {
        const pair = nth(pairsOf(doc), m.pick);
        if (pair !== undefined && isScalar(pair.key)) pair.key.value = misspell(String(pair.key.value), m.how);
      });
    case 'hostile-key':
      return edit(m.target, (doc) => {
        const pair = nth(pairsOf(doc), m.pick);
        if (pair !== undefined && isScalar(pair.key)) pair.key.value = m.name;
      });
    case 'swap-type':
      return edit(m.target, (doc) => {
        const pair = nth(pairsOf(doc), m.pick);
        if (pair !== undefined) pair.value = doc.createNode(m.value);
      });
    case 'number':
      return edit(m.target, (doc) => {
        const numbers = scalarsOf(doc, (s) => typeof s.value === 'number');
        const target = nth(numbers, m.pick);
        if (target === undefined) return;
        if (typeof m.value === 'number') target.value = m.value;
        else Object.assign(target, { value: m.value, type: 'PLAIN' }); // written as is: `.inf`, `0x1F`, a 30-digit integer
      });
    case 'unicode':
      return edit(m.target, (doc) => {
        const strings = scalarsOf(doc, (s) => typeof s.value === 'string');
        const target = nth(strings, m.pick);
        if (target === undefined) return;
        const value = String(target.value);
        const at = m.pick % (value.length + 1);
        target.value = value.slice(0, at) + m.text + value.slice(at);
      });
    case 'rename': {
      const names = declaredNames(files, m.what);
      const old = nth(names, m.pick);
      if (old === undefined) return;
      // Everywhere the name is written: its declaration, references, `$ref`s, subscriptions. Whole
      // words only; a service shares its name with steps (payment), which become the new name too.
      const word = new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(old)}(?![A-Za-z0-9_-])`, 'g');
      const quoted = yamlName(m.name);
      files.catalog = files.catalog.replace(word, (_match, offset: number, text: string) => (text[offset - 1] === '/' ? m.name : quoted));
      files.saga = files.saga.replace(word, quoted);
      return;
    }
    case 'ref':
      return edit('catalog', (doc) => {
        // A `$ref` in place of a payload property or a definition, or two definitions pointing at each other.
        const definitions = doc.get('definitions');
        if (m.cycle && isMap(definitions) && definitions.items.length >= 2) {
          const [a, b] = [nth(definitions.items, m.pick)!, nth(definitions.items, m.pick + 1)!];
          if (isScalar(a.key) && isScalar(b.key)) {
            a.value = doc.createNode({ $ref: `#/definitions/${String(b.key.value)}` });
            b.value = doc.createNode(m.pick % 2 === 0 ? { $ref: `#/definitions/${String(a.key.value)}` } : { allOf: [{ $ref: `#/definitions/${String(a.key.value)}` }] });
          }
          return;
        }
        const properties = pairsOf(doc).filter((p) => isScalar(p.key) && p.key.value === 'properties' && isMap(p.value));
        const chosen = nth(properties, m.pick);
        const property = chosen !== undefined && isMap(chosen.value) ? nth(chosen.value.items, m.pick) : undefined;
        if (property !== undefined) property.value = doc.createNode({ $ref: m.ref });
      });
    case 'line': {
      const lines = files[m.target].split('\n');
      const i = m.at % lines.length;
      if (m.op === 'delete') lines.splice(i, 1);
      else if (m.op === 'duplicate') lines.splice(i, 0, lines[i]!);
      else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      files[m.target] = lines.join('\n');
      return;
    }
    case 'line-ends':
      files[m.target] = files[m.target].replace(/\r?\n/g, m.ends);
      return;
    case 'insert': {
      const text = files[m.target];
      const at = m.at % (text.length + 1);
      files[m.target] = text.slice(0, at) + m.text + text.slice(at);
      return;
    }
    case 'truncate':
      files[m.target] = files[m.target].slice(0, m.at % (files[m.target].length + 1));
      return;
    case 'deep':
      return edit(m.target, (doc) => {
        const pair = nth(pairsOf(doc), m.pick);
        if (pair === undefined) return;
        let node: unknown = 'leaf';
        for (let i = 0; i < m.depth; i++) node = i % 2 === 0 ? { a: node } : [node];
        const created = doc.createNode(node);
        if (m.flow) visit(created, { Map: (_, n) => void (n.flow = true), Seq: (_, n) => void (n.flow = true) });
        pair.value = created;
      });
    case 'byte':
      files.bytes.push({ target: m.target, at: m.at, byte: m.byte });
      return;
  }
}

export function describeMutations(list: readonly Mutation[]): string {
  return list.map((m) => JSON.stringify(m, (_, v: unknown) => (typeof v === 'string' && v.length > 40 ? `${v.slice(0, 20)}...(${v.length})` : v))).join(' + ');
}
