// `--against` in a real git repository created here: git init, commit the catalog, change it,
// compare with HEAD~1, a branch, the merge base, and another catalog file.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { checkCompat, type CheckCompatOptions } from '../../src/cli/run-check-compat.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const example = join(repoRoot, 'examples', 'order-system');

let repo: string;
let catalog: string;

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' },
  });
}

function edit(fn: (doc: ReturnType<typeof parseDocument>) => void): void {
  const doc = parseDocument(readFileSync(catalog, 'utf8'));
  fn(doc);
  writeFileSync(catalog, doc.toString());
}

function commit(message: string): void {
  git('add', '-A');
  git('commit', '-q', '-m', message);
}

async function check(opts: Partial<CheckCompatOptions>) {
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  const outcome = await checkCompat({ catalog, format: 'json', cwd: repo, ...opts }, io);
  const json = outcome.exitCode === 2 || (opts.format ?? 'json') !== 'json' ? undefined : (JSON.parse(out) as { compatible: boolean; findings: { rule: string; message: string; explanation: string; severity: string; line: number }[]; summary: string });
  return { code: outcome.exitCode, json, out, err };
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'compat-git-'));
  cpSync(example, join(repo, 'orders'), { recursive: true });
  catalog = join(repo, 'orders', 'catalog.yaml');
  git('init', '-q', '-b', 'main');
  commit('catalog v1');
});

describe('check-compat --against (real git repository)', () => {
  it('HEAD~1: an edited published version is a finding; the work tree is untouched', async () => {
    edit((doc) => doc.setIn(['messages', 'OrderCreated', 'versions', 2, 'payload', 'properties', 'couponCode', 'type'], 'integer'));
    commit('edit v2 in place');
    const before = readFileSync(catalog, 'utf8');
    const r = await check({ against: 'HEAD~1' });
    expect(r.code).toBe(1);
    const f = r.json?.findings.find((x) => x.rule === 'PUBLISHED_VERSION_EDITED');
    expect(f?.message).toBe('OrderCreated');
    expect(f?.explanation).toMatch(/v2 of OrderCreated was published in HEAD~1 and has been edited: TYPE_CHANGED at \/properties\/couponCode\/type.*publish the change as v3 instead/);
    expect(readFileSync(catalog, 'utf8')).toBe(before);
    expect(git('status', '--porcelain')).toBe('');

    // A tag and a sha name the same baseline.
    const sha = git('rev-parse', 'HEAD~1').trim();
    git('tag', 'v1.0.0', sha);
    for (const ref of ['v1.0.0', sha, sha.slice(0, 10)]) {
      const viaRef = await check({ against: ref });
      expect(viaRef.code, ref).toBe(1);
      expect(viaRef.json?.findings.map((x) => x.rule)).toContain('PUBLISHED_VERSION_EDITED');
    }
  });

  it('description-only edits of a published version and a compatible new version pass', async () => {
    edit((doc) => {
      doc.setIn(['messages', 'OrderCreated', 'versions', 1, 'payload', 'properties', 'orderId', 'description'], 'The order id.');
      const v2 = (doc.getIn(['messages', 'OrderCreated', 'versions', 2, 'payload']) as { toJSON(): Record<string, unknown> }).toJSON() as {
        properties: Record<string, unknown>;
      };
      v2.properties['giftNote'] = { type: 'string' };
      doc.setIn(['messages', 'OrderCreated', 'versions', 3], doc.createNode({ payload: v2 }));
    });
    commit('v3 adds giftNote');
    const r = await check({ against: 'HEAD~1', format: 'text' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/check-compat: compatible \(\d+ schema pairs checked, policy instance\); against HEAD~1/);
  });

  it('a branch: changed topic and ordering key are breaking', async () => {
    git('checkout', '-q', '-b', 'feature');
    edit((doc) => {
      doc.setIn(['messages', 'OrderCreated', 'topic'], 'orders-v2');
      doc.setIn(['messages', 'OrderConfirmed', 'key'], 'customerId');
    });
    commit('move topic, change key');
    const r = await check({ against: 'main' });
    expect(r.code).toBe(1);
    expect(r.json?.findings.map((f) => `${f.rule} ${f.message}`).sort()).toEqual(['KEY_CHANGED OrderConfirmed', 'TOPIC_CHANGED OrderCreated']);
    expect(r.json?.findings.find((f) => f.rule === 'TOPIC_CHANGED')?.explanation).toContain('consumers subscribed to "orders" stop receiving it');
  });

  it('a weakened compatibility mode is a warning, not a failure', async () => {
    edit((doc) => doc.setIn(['messages', 'OrderCreated', 'compatibility'], 'FULL_TRANSITIVE'));
    commit('strong guarantee');
    edit((doc) => doc.setIn(['messages', 'OrderCreated', 'compatibility'], 'NONE'));
    commit('drop it');
    const r = await check({ against: 'HEAD~1', format: 'text' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/COMPATIBILITY_WEAKENED \[warning\] OrderCreated is checked NONE now but FULL_TRANSITIVE in HEAD~1/);
    edit((doc) => doc.setIn(['messages', 'OrderCreated', 'compatibility'], 'FULL_TRANSITIVE'));
    commit('restore');
    expect((await check({ against: 'HEAD~1', format: 'text' })).out).not.toContain('COMPATIBILITY_WEAKENED');
  });

  it('a removed version of a consumed message is breaking', async () => {
    git('checkout', '-q', '-b', 'feature');
    edit((doc) => doc.deleteIn(['messages', 'OrderCreated', 'versions', 2]));
    commit('drop v2');
    const r = await check({ against: 'main' });
    expect(r.code).toBe(1);
    const f = r.json?.findings.find((x) => x.rule === 'VERSION_REMOVED');
    expect(f?.explanation).toMatch(/v2 of OrderCreated exists in main but was removed while OrderCreated is still consumed \(by saga OrderSaga\)/);
  });

  it('an intentional break accepted with a reason passes on purpose, and is shown', async () => {
    git('checkout', '-q', '-b', 'feature');
    edit((doc) => doc.setIn(['messages', 'OrderCreated', 'topic'], 'orders-v2'));
    commit('move topic');
    expect((await check({ against: 'main' })).code).toBe(1);
    edit((doc) =>
      doc.setIn(
        ['messages', 'OrderCreated', 'acceptedBreaks'],
        doc.createNode([{ version: 2, rule: 'TOPIC_CHANGED', reason: 'orders topic is being split; consumers moved first (OPS-42)' }]),
      ),
    );
    commit('accept');
    const accepted = await check({ against: 'main', format: 'text' });
    expect(accepted.code).toBe(0);
    expect(accepted.out).toMatch(/TOPIC_CHANGED \[accepted\] OrderCreated moves from topic "orders" \(main\) to "orders-v2"/);
    expect(accepted.out).toMatch(/accepted at orders\/catalog\.yaml:\d+:\d+: orders topic is being split; consumers moved first \(OPS-42\)/);
    expect(accepted.out).toMatch(/1 accepted break/);
  });

  it('--merge-base ignores what landed on main after the branch point', async () => {
    git('checkout', '-q', '-b', 'feature');
    edit((doc) => doc.setIn(['messages', 'OrderConfirmed', 'description'], 'Everything is in place.'));
    commit('feature work');
    git('checkout', '-q', 'main');
    edit((doc) => {
      const payment = (doc.getIn(['messages', 'OrderCancelled']) as { toJSON(): unknown }).toJSON() as Record<string, unknown>;
      doc.setIn(['messages', 'OrderArchived'], doc.createNode({ ...payment, description: 'Archived.' }));
      doc.setIn(['subscriptions', 'notification'], doc.createNode(['OrderConfirmed', 'OrderCancelled', 'PaymentRefunded', 'OrderArchived']));
    });
    commit('main adds OrderArchived');
    git('checkout', '-q', 'feature');

    const direct = await check({ against: 'main' });
    expect(direct.code).toBe(1);
    expect(direct.json?.findings.map((f) => `${f.rule} ${f.message}`)).toEqual(['MESSAGE_REMOVED OrderArchived']);
    expect(direct.json?.findings[0]?.explanation).toContain('consumed there by service notification');

    const viaBase = await check({ against: 'main', mergeBase: true });
    expect(viaBase.code).toBe(0);
    expect(viaBase.json?.summary).toMatch(/against merge-base\(main\) [0-9a-f]{8}/);
  });

  it('another catalog file as the baseline', async () => {
    const other = join(repo, 'baseline-catalog.yaml');
    writeFileSync(other, readFileSync(catalog, 'utf8'));
    cpSync(join(repo, 'orders', 'sagas'), join(repo, 'sagas'), { recursive: true });
    edit((doc) => doc.setIn(['messages', 'OrderCancelled', 'versions', 1, 'payload', 'required'], doc.createNode(['orderId', 'customerId'])));
    const r = await check({ against: other });
    expect(r.code).toBe(1);
    expect(r.json?.findings.map((f) => f.rule)).toEqual(['PUBLISHED_VERSION_EDITED']);
  });

  it('a schema file beside the catalog is read at the revision too', async () => {
    const money = (amountType: string) =>
      JSON.stringify({ type: 'object', required: ['amount', 'currency'], additionalProperties: false, properties: { amount: { type: amountType, minimum: 0 }, currency: { type: 'string', pattern: '^[A-Z]{3}$' } } }, null, 2);
    cpSync(example, join(repo, 'orders'), { recursive: true });
    writeFileSync(join(repo, 'orders', 'money.json'), money('integer'));
    edit((doc) => doc.setIn(['definitions', 'Money'], doc.createNode({ $ref: './money.json' })));
    commit('Money lives in money.json');
    expect((await check({ against: 'HEAD~1' })).code).toBe(0);

    writeFileSync(join(repo, 'orders', 'money.json'), money('number'));
    commit('amounts may be fractional');
    const r = await check({ against: 'HEAD~1' });
    expect(r.code).toBe(1);
    const edited = r.json?.findings.filter((f) => f.rule === 'PUBLISHED_VERSION_EDITED') ?? [];
    expect(edited.length).toBeGreaterThan(0);
    expect(edited.map((f) => f.message)).toContain('ProcessPayment');
    expect(edited[0]?.explanation).toMatch(/TYPE_WIDENED/);
  });

  it('works in a folder whose name has spaces and non-ASCII characters', async () => {
    cpSync(join(repo, 'orders'), join(repo, 'my örders'), { recursive: true });
    commit('copy');
    catalog = join(repo, 'my örders', 'catalog.yaml');
    edit((doc) => doc.setIn(['messages', 'OrderCreated', 'key'], 'customerId'));
    commit('rekey');
    const r = await check({ against: 'HEAD~1' });
    expect(r.code).toBe(1);
    expect(r.json?.findings.map((f) => f.rule)).toEqual(['KEY_CHANGED']);
  });

  it('bad revision, --merge-base without --against, catalog absent at the revision', async () => {
    const bad = await check({ against: 'no-such-branch', format: 'text' });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"no-such-branch" is not a revision of this repository');
    expect((await check({ mergeBase: true, format: 'text' })).code).toBe(2);

    git('checkout', '-q', '--orphan', 'empty');
    git('rm', '-rq', '--cached', '.');
    writeFileSync(join(repo, 'README'), 'x');
    git('add', 'README');
    git('commit', '-q', '-m', 'empty');
    git('checkout', '-q', '-f', 'main');
    const absent = await check({ against: 'empty', format: 'text' });
    expect(absent.code).toBe(0);
    expect(absent.out).toContain('the catalog does not exist at empty: nothing to compare with');
  });
});
