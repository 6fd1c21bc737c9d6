// Regeneration against a real output folder: user code survives, new handlers are inserted without
// touching anything else, removed messages take their files with them, hand edits are reported.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generate, layout, MANIFEST_PATH, renderOutcome, type GenerateOptions } from '../../src/generate/index.js';
import { loadEditedExample } from './helpers/model.js';
import { makeWorkspace, removeWorkspace, typecheck } from './helpers/workspace.js';

function project(edit: (raw: Record<string, any>) => void = () => undefined) {
  return loadEditedExample(edit);
}

function gen(loaded: ReturnType<typeof project>, options: GenerateOptions) {
  return generate(loaded.project, { ...options, bundle: loaded.bundle, emitters: [] });
}

describe('regeneration', () => {
  let dir: string;
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');

  beforeEach(async () => {
    dir = makeWorkspace();
    expect((await gen(project(), { outDir: dir })).exitCode).toBe(0);
  });
  afterEach(() => removeWorkspace(dir));

  it('is a no-op the second time, and --check agrees', async () => {
    const again = await gen(project(), { outDir: dir });
    expect(again.result?.changes).toEqual([]);
    expect(again.result?.manifestChanged).toBe(false);
    const check = await gen(project(), { outDir: dir, check: true });
    expect(check.exitCode).toBe(0);
    expect(check.stale).toBe(false);
  });

  it('reuses a validator whose inputs did not change, and recompiles one whose inputs did', async () => {
    const { sha256 } = await import('../../src/generate/index.js');
    const path = layout.validator('PaymentFailed');
    const manifest = JSON.parse(read(MANIFEST_PATH));
    expect(manifest.files[path].input).toMatch(/^[0-9a-f]{64}$/);
    // Pretend an earlier edasaga wrote a different (but recorded) module for the same inputs: it is reused.
    const marked = `${read(path)}// compiled earlier\n`;
    writeFileSync(join(dir, path), marked);
    manifest.files[path].sha256 = sha256(marked);
    writeFileSync(join(dir, MANIFEST_PATH), JSON.stringify(manifest));
    expect((await gen(project(), { outDir: dir })).result?.changes).toEqual([]);
    expect(read(path)).toBe(marked);
    // Different inputs (as after an ajv upgrade): compiled again and rewritten.
    manifest.files[path].input = '0'.repeat(64);
    writeFileSync(join(dir, MANIFEST_PATH), JSON.stringify(manifest));
    const again = await gen(project(), { outDir: dir });
    expect(again.result?.changes).toEqual([{ path, kind: 'update', ownership: 'generated' }]);
    expect(read(path)).not.toContain('compiled earlier');
  });

  it('keeps an edit to a user-owned file', async () => {
    const path = layout.handlers('notification');
    const edited = read(path).replace("ctx.log('OrderConfirmed has no handler yet', { subject: message.subject });\n    throw new Error('not implemented: handle OrderConfirmed in src/services/notification/handlers.ts');", "ctx.log('sending confirmation mail', { to: message.data.customerId });");
    expect(edited).toContain('sending confirmation mail');
    writeFileSync(join(dir, path), edited);
    const outcome = await gen(project(), { outDir: dir });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.result?.changes).toEqual([]);
    expect(read(path)).toBe(edited);
  });

  it('adds the handler for a newly consumed message and changes nothing else in the file', async () => {
    const path = layout.handlers('notification');
    // The user's own code, formatting quirks included, must survive byte for byte.
    const before = `${read(path).replace('  async OrderCancelled(', '  // keep me\n  async    OrderCancelled(')}\nexport const extra = 1 ;\n`;
    writeFileSync(join(dir, path), before);
    const outcome = await gen(
      project((raw) => raw['subscriptions'].notification.push('ShipmentScheduled')),
      { outDir: dir },
    );
    expect(outcome.result?.changes).toContainEqual({ path, kind: 'extend', ownership: 'user', added: ['ShipmentScheduled'] });
    const after = read(path);
    const handlerStart = after.indexOf('  /** ShipmentScheduled');
    const handlerEnd = after.indexOf('} satisfies NotificationHandlers;');
    expect(handlerStart).toBeGreaterThan(0);
    // Remove exactly what was inserted (the handler and the import name): the rest is the old file.
    const inserted = after.slice(handlerStart, handlerEnd);
    expect(inserted).toContain('async ShipmentScheduled(message: ShipmentScheduledMessage, ctx: HandlerContext): Promise<void> {');
    const withoutHandler = after.slice(0, handlerStart) + after.slice(handlerEnd);
    expect(withoutHandler.replace(', ShipmentScheduledMessage }', ' }')).toBe(before);
    expect(await typecheck(dir)).toBe('');
  });

  it('does not put back a handler the user deleted, and does not parse files when nothing is new', async () => {
    const path = layout.handlers('notification');
    const text = read(path);
    const start = text.indexOf('  /** OrderCancelled');
    const end = text.indexOf('  /** PaymentRefunded');
    const without = text.slice(0, start) + text.slice(end);
    writeFileSync(join(dir, path), without);
    const outcome = await gen(project(), { outDir: dir });
    expect(outcome.result?.changes).toEqual([]);
    expect(read(path)).toBe(without);
    expect(JSON.parse(read(MANIFEST_PATH)).files[path].members).toEqual(['OrderCancelled', 'OrderConfirmed', 'PaymentRefunded']);
  });

  it('adds a trailing comma when the last handler has none', async () => {
    const path = layout.handlers('payment');
    const before = read(path).replace(/,\n\} satisfies PaymentHandlers;/, '\n} satisfies PaymentHandlers;');
    expect(before).not.toBe(read(path));
    writeFileSync(join(dir, path), before);
    await gen(project((raw) => raw['subscriptions'].payment = ['OrderCreated']), { outDir: dir });
    expect(read(path)).toContain('  },\n  /** OrderCreated');
    expect(await typecheck(dir)).toBe('');
  });

  it('adding a message touches only its own files, the registry and the index', async () => {
    const outcome = await gen(
      project((raw) => (raw['messages'].AuditLogged = { ...raw['messages'].OrderConfirmed, description: 'Something was audited.' })),
      { outDir: dir },
    );
    expect(outcome.result?.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
      `update ${layout.index}`,
      `create ${layout.message('AuditLogged')}`,
      `update ${layout.registry}`,
      `create ${layout.validatorTypes('AuditLogged')}`,
      `create ${layout.validator('AuditLogged')}`,
    ]);
  });

  it('removes the generated files of a message that disappears', async () => {
    const gone = [layout.message('OrderConfirmed'), layout.validator('OrderConfirmed'), layout.validatorTypes('OrderConfirmed')];
    for (const path of gone) expect(existsSync(join(dir, path))).toBe(true);
    const outcome = await gen(
      project((raw) => {
        delete raw['messages'].OrderConfirmed;
        raw['subscriptions'].notification = raw['subscriptions'].notification.filter((m: string) => m !== 'OrderConfirmed');
      }),
      { outDir: dir },
    );
    for (const path of gone) {
      expect(existsSync(join(dir, path))).toBe(false);
      expect(outcome.result?.changes).toContainEqual({ path, kind: 'delete', ownership: 'generated' });
    }
    const manifest = JSON.parse(read(MANIFEST_PATH));
    expect(Object.keys(manifest.files)).not.toContain(layout.message('OrderConfirmed'));
    // The user's handlers file still mentions it: it is theirs, so it stays as it was.
    expect(read(layout.handlers('notification'))).toContain('async OrderConfirmed(');
  });

  it('reports a hand-edited generated file, keeps it, fails --check, and replaces it with --force', async () => {
    const path = layout.registry;
    const edited = `${read(path)}\n// my tweak\n`;
    writeFileSync(join(dir, path), edited);

    const check = await gen(project(), { outDir: dir, check: true });
    expect(check.exitCode).toBe(1);
    expect(check.result?.conflicts).toEqual([expect.objectContaining({ path, reason: 'edited' })]);
    expect(renderOutcome(check, { check: true }).join('\n')).toMatch(/edited src\/generated\/registry\.ts: was edited by hand/);

    const plain = await gen(project(), { outDir: dir });
    expect(plain.exitCode).toBe(1);
    expect(read(path)).toBe(edited);

    const forced = await gen(project(), { outDir: dir, force: true });
    expect(forced.exitCode).toBe(0);
    expect(forced.result?.changes).toEqual([{ path, kind: 'update', ownership: 'generated' }]);
    expect(read(path)).not.toContain('my tweak');
    expect((await gen(project(), { outDir: dir, check: true })).exitCode).toBe(0);
  });

  it('--check exits 1 when the catalog changed, and --dry-run lists changes without writing', async () => {
    const changed = project((raw) => (raw['messages'].PaymentFailed.description = 'Now with a new description.'));
    const check = await gen(changed, { outDir: dir, check: true });
    expect(check.exitCode).toBe(1);
    expect(check.result?.changes).toEqual([{ path: layout.message('PaymentFailed'), kind: 'update', ownership: 'generated' }]);
    const before = read(layout.message('PaymentFailed'));
    const dry = await gen(changed, { outDir: dir, dryRun: true });
    expect(dry.exitCode).toBe(0);
    expect(renderOutcome(dry, { dryRun: true })).toContain(`would update ${layout.message('PaymentFailed')}`);
    expect(read(layout.message('PaymentFailed'))).toBe(before);
    await gen(changed, { outDir: dir });
    expect(read(layout.message('PaymentFailed'))).toContain('Now with a new description.');
  });

  it('creates a typed upcaster hook once when a change is not mechanical, and extends it later', async () => {
    const v2 = {
      description: 'Renames reason to explanation.',
      payload: {
        type: 'object', required: ['orderId', 'customerId', 'explanation'], additionalProperties: false,
        properties: { orderId: { type: 'string', format: 'uuid' }, customerId: { type: 'string' }, explanation: { type: 'string' } },
      },
    };
    const outcome = await gen(project((raw) => (raw['messages'].OrderCancelled.versions[2] = v2)), { outDir: dir });
    const hook = layout.userUpcaster('OrderCancelled');
    expect(outcome.result?.changes).toContainEqual({ path: hook, kind: 'create', ownership: 'user' });
    expect(outcome.result?.notices).toEqual([
      `OrderCancelled: v1 -> v2 cannot be upcast mechanically; write the upcaster in ${hook}`,
    ]);
    expect(read(hook)).toContain('v1ToV2(data: OrderCancelledV1): OrderCancelledV2 {');
    expect(read(hook)).toContain('property "reason" was removed');
    expect(await typecheck(dir)).toBe('');

    // The user writes the hook; a v3 that drops a field again adds a second stub and keeps theirs.
    const written = read(hook).replace(/void data;\n\s*throw new Error\([^\n]*\);/, 'return { orderId: data.orderId, customerId: data.customerId, explanation: data.reason };');
    writeFileSync(join(dir, hook), written);
    const v3 = { payload: { ...v2.payload, required: ['orderId', 'explanation'], properties: { orderId: { type: 'string' }, explanation: { type: 'string' } } } };
    const again = await gen(
      project((raw) => {
        raw['messages'].OrderCancelled.versions[2] = v2;
        raw['messages'].OrderCancelled.versions[3] = v3;
      }),
      { outDir: dir },
    );
    expect(again.result?.changes).toContainEqual({ path: hook, kind: 'extend', ownership: 'user', added: ['v2ToV3'] });
    const extended = read(hook);
    const stub = extended.slice(extended.indexOf('  /**\n   * OrderCancelled v2 -> v3'), extended.lastIndexOf('};'));
    expect(stub).toContain('v2ToV3(data: OrderCancelledV2): OrderCancelledV3 {');
    expect(extended.replace(stub, '').replace(', OrderCancelledV3 }', ' }')).toBe(written);
    expect(extended).toContain('import type { OrderCancelledV1, OrderCancelledV2, OrderCancelledV3 }');
    expect(await typecheck(dir)).toBe('');
  });

  it('refuses plan paths that could leave the output folder', async () => {
    const { checkPlannedPath } = await import('../../src/generate/index.js');
    expect(checkPlannedPath('../x.ts')).toBeDefined();
    expect(checkPlannedPath('src/../../x.ts')).toBeDefined();
    expect(checkPlannedPath('/etc/passwd')).toBeDefined();
    expect(checkPlannedPath('C:/x')).toBeDefined();
    expect(checkPlannedPath('src\\x.ts')).toBeDefined();
    expect(checkPlannedPath('.edasaga/manifest.json')).toBeDefined();
    expect(checkPlannedPath('src/generated/x.ts')).toBeUndefined();
  });

  it('never writes through a symlinked folder that leads outside the output folder', async () => {
    const { mkdtempSync, rmSync, symlinkSync, readdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const outside = mkdtempSync(join(tmpdir(), 'edasaga-outside-'));
    try {
      rmSync(join(dir, 'src/generated/upcasters'), { recursive: true });
      symlinkSync(outside, join(dir, 'src/generated/upcasters'), 'dir');
      const outcome = await gen(project(), { outDir: dir, force: true });
      expect(outcome.result?.conflicts).toContainEqual(expect.objectContaining({ path: layout.upcaster('OrderCreated'), reason: 'unsafe-path' }));
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
