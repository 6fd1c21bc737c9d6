import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { consumersOf } from '../../src/compat/catalog.js';
import { checkCompat, type CheckCompatOptions } from '../../src/cli/run-check-compat.js';
import { loadProject } from '../../src/project/load.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = join(repoRoot, 'examples', 'order-system');

function capture() {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, out: () => out, err: () => err };
}

async function run(opts: Partial<CheckCompatOptions> & { catalog: string }) {
  const c = capture();
  const outcome = await checkCompat({ format: 'text', ...opts }, c.io);
  return { ...outcome, out: c.out(), err: c.err() };
}

/** A copy of the example project whose catalog was edited through the YAML document API. */
function editedExample(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'compat-catalog-'));
  cpSync(example, dir, { recursive: true });
  const file = join(dir, 'catalog.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  edit(doc);
  writeFileSync(file, doc.toString());
  return file;
}

describe('check-compat on examples/order-system', () => {
  it('OrderCreated v1 -> v2 is BACKWARD compatible (exit 0)', async () => {
    const r = await run({ catalog: join(example, 'catalog.yaml'), showCompatible: true, format: 'json' });
    expect(r.exitCode).toBe(0);
    const json = JSON.parse(r.out) as { compatible: boolean; findings: { rule: string; message: string; severity: string }[] };
    expect(json.compatible).toBe(true);
    const rules = json.findings.filter((f) => f.message === 'OrderCreated').map((f) => f.rule);
    expect(rules).toEqual(['OPTIONAL_PROPERTY_ADDED', 'OPTIONAL_PROPERTY_ADDED']);
    expect(json.findings.every((f) => f.severity === 'note')).toBe(true);
  });

  it('FULL fails: v1 consumers are closed and cannot read v2 events carrying the new fields', async () => {
    const r = await run({ catalog: join(example, 'catalog.yaml'), mode: 'FULL' });
    expect(r.exitCode).toBe(1);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /catalog\.yaml:\d+:\d+: PROPERTY_REMOVED_FROM_CLOSED_MODEL .*`shippingAddress`.*consumers still on v1 \(saga OrderSaga\) cannot read new events written with v2 \(OrderCreated v1 → v2, forward, \/properties\/shippingAddress\)$/,
    );
    expect(lines[2]).toMatch(/^check-compat: 2 incompatible changes in 1 message/);
  });

  it('every finding of a breaking change, located and explained', async () => {
    const file = editedExample((doc) => {
      const v2 = ['messages', 'OrderCreated', 'versions', 2, 'payload'];
      doc.setIn([...v2, 'required'], doc.createNode(['orderId', 'customerId', 'items', 'total', 'couponCode']));
      doc.setIn([...v2, 'properties', 'customerId', 'type'], 'integer');
      doc.deleteIn([...v2, 'properties', 'couponCode', 'default']);
    });
    const r = await run({ catalog: file, format: 'json' });
    expect(r.exitCode).toBe(1);
    const json = JSON.parse(r.out) as { compatible: boolean; findings: { rule: string; line: number; column: number; explanation: string; path: string; fromVersion: number; toVersion: number }[] };
    expect(json.compatible).toBe(false);
    const byRule = Object.fromEntries(json.findings.map((f) => [f.rule, f]));
    expect(Object.keys(byRule).sort()).toEqual(['REQUIRED_PROPERTY_ADDED', 'TYPE_CHANGED']);
    expect(byRule['REQUIRED_PROPERTY_ADDED']?.explanation).toBe(
      'v2 requires `couponCode`, which events written with v1 do not have: consumers on v2 (saga OrderSaga) cannot read old events written with v1',
    );
    expect(byRule['TYPE_CHANGED']).toMatchObject({ path: '/properties/customerId/type', fromVersion: 1, toVersion: 2 });
    const text = readFileSync(file, 'utf8').split('\n');
    const tc = byRule['TYPE_CHANGED'] as { line: number };
    expect(text[tc.line - 1]).toContain('customerId');
  });

  it('an accepted break is shown with its reason and does not fail', async () => {
    const file = editedExample((doc) => {
      doc.setIn(
        ['messages', 'OrderCreated', 'acceptedBreaks'],
        doc.createNode([{ version: 2, rule: 'PROPERTY_REMOVED_FROM_CLOSED_MODEL', reason: 'all consumers upgraded to v2 before producers (ticket OPS-12)' }]),
      );
    });
    const r = await run({ catalog: file, mode: 'FULL' });
    expect(r.exitCode).toBe(0);
    expect(r.out).toContain('PROPERTY_REMOVED_FROM_CLOSED_MODEL [accepted]');
    expect(r.out).toContain('all consumers upgraded to v2 before producers (ticket OPS-12)');
    expect(r.out).toMatch(/2 accepted breaks/);
  });

  it('an accepted break naming an unknown rule is a warning with a suggestion', async () => {
    const file = editedExample((doc) => {
      doc.setIn(['messages', 'OrderCreated', 'acceptedBreaks'], doc.createNode([{ version: 2, rule: 'PROPERTY_REMOVED_FROM_CLOSED_MODLE', reason: 'typo' }]));
    });
    const r = await run({ catalog: file, mode: 'FULL' });
    expect(r.exitCode).toBe(1);
    expect(r.out).toMatch(/ACCEPTED_BREAK_UNKNOWN_RULE \[warning\] .*did you mean "PROPERTY_REMOVED_FROM_CLOSED_MODEL"\?/);
    expect(r.out).toMatch(/2 incompatible changes in 1 message \(1 schema pair checked, policy instance, 1 warning\)/);
  });

  it('transitive modes check every earlier version and name the failing pair', async () => {
    const file = editedExample((doc) => {
      const m = ['messages', 'OrderCreated'];
      doc.setIn([...m, 'compatibility'], 'BACKWARD_TRANSITIVE');
      // v3 drops couponCode's default again and makes it required: fine against nothing, broken against v1 and v2.
      const v2 = doc.getIn([...m, 'versions', 2, 'payload']) as { toJSON(): Record<string, unknown> };
      const v3 = v2.toJSON() as { required: string[]; properties: Record<string, Record<string, unknown>> };
      v3.required = [...v3.required, 'shippingAddress'];
      doc.setIn([...m, 'versions', 3], doc.createNode({ payload: v3 }));
    });
    const r = await run({ catalog: file, format: 'json' });
    expect(r.exitCode).toBe(1);
    const json = JSON.parse(r.out) as { findings: { rule: string; pair: string }[]; pairs: number };
    const pairs = json.findings.filter((f) => f.rule === 'REQUIRED_PROPERTY_ADDED' || f.rule === 'PROPERTY_MADE_REQUIRED').map((f) => `${f.rule} ${f.pair}`).sort();
    expect(pairs).toEqual(['PROPERTY_MADE_REQUIRED v2 → v3', 'REQUIRED_PROPERTY_ADDED v1 → v3']);
  });

  it('a broken catalog gets the located errors of validate and exit 2', async () => {
    const file = editedExample((doc) => {
      doc.setIn(['messages', 'OrderCreated', 'versions', 2, 'payload', 'properties', 'total', '$ref'], '#/definitions/Mony');
    });
    const r = await run({ catalog: file });
    expect(r.exitCode).toBe(2);
    expect(r.err).toMatch(/catalog\.yaml:\d+:\d+: error E_UNRESOLVED_REF/);
    expect(r.err).toContain('did you mean');
  });

  it('github and sarif formats', async () => {
    const gh = await run({ catalog: join(example, 'catalog.yaml'), mode: 'FULL', format: 'github' });
    expect(gh.out.split('\n')[0]).toMatch(/^::error file=.*catalog\.yaml,line=\d+,col=\d+,title=PROPERTY_REMOVED_FROM_CLOSED_MODEL OrderCreated v1 → v2::/);
    const sarif = await run({ catalog: join(example, 'catalog.yaml'), mode: 'FULL', format: 'sarif' });
    const log = JSON.parse(sarif.out) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0]?.results).toHaveLength(2);
    expect(log.runs[0]?.results[0]).toMatchObject({ ruleId: 'PROPERTY_REMOVED_FROM_CLOSED_MODEL', level: 'error' });
    expect(log.runs[0]?.tool.driver.rules.map((x) => x.id)).toEqual(['PROPERTY_REMOVED_FROM_CLOSED_MODEL']);
  });
});

describe('consumersOf', () => {
  it('names who reads each message of the example: subscribers, command handlers, sagas for what they wait on', async () => {
    const { project } = await loadProject({ catalogPath: join(example, 'catalog.yaml') });
    if (!project) throw new Error('example must load');
    expect(consumersOf(project, 'OrderCreated')).toEqual(['saga OrderSaga']);
    expect(consumersOf(project, 'ProcessPayment')).toEqual(['service payment']);
    expect(consumersOf(project, 'PaymentRefunded').sort()).toEqual(['saga OrderSaga', 'service notification']);
    // OrderConfirmed is emitted by the saga (onCompleted), consumed by notification only.
    expect(consumersOf(project, 'OrderConfirmed')).toEqual(['service notification']);
  });
});

describe('check-compat --old/--new', () => {
  it('compares two schema files, locating findings in the new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compat-files-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } } }, null, 2));
    writeFileSync(join(dir, 'new.json'), JSON.stringify({ type: 'object', properties: { n: { type: 'string' } } }, null, 2));
    const r = await run({ catalog: 'unused', old: join(dir, 'old.json'), new: join(dir, 'new.json'), cwd: dir });
    expect(r.exitCode).toBe(1);
    expect(r.out).toMatch(/^new\.json:5:7: TYPE_CHANGED `n` is "integer" in the old schema but "string" in the new schema/);
    const ok = await run({ catalog: 'unused', old: join(dir, 'old.json'), new: join(dir, 'old.json'), cwd: dir, mode: 'FULL_TRANSITIVE', policy: 'strict' });
    expect(ok.exitCode).toBe(0);
  });
  it('missing file or half the flags: exit 2', async () => {
    expect((await run({ catalog: 'x', old: '/nonexistent/a.json', new: '/nonexistent/b.json' })).exitCode).toBe(2);
    const half = await run({ catalog: 'x', old: 'a.json' });
    expect(half.exitCode).toBe(2);
    expect(half.err).toContain('--old and --new go together');
  });
});
