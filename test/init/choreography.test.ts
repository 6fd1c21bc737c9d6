// `edasaga init DIR --template choreography`, end to end with the built CLI: the project generates
// (the choreography validated, its wiring and diagram written), compiles under strict tsc, passes its
// own tests (each path, duplicate and out-of-order deliveries) and runs `npm run demo`, printing the
// four scenarios' timelines in the orchestrated demo's format; the databases it leaves satisfy the
// OrderFlow's invariants in every service's tables.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, dependencyProblems, describeRun, projectDir, removeProject, run, sqliteQuery } from '../e2e/helpers.js';
import { checkChoreography, initChoreography } from '../e2e/choreography/check.js';

const dir = projectDir('init-choreography');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('edasaga init --template choreography', () => {
  beforeAll(async () => {
    assertBuilt();
    await initChoreography(dir);
  }, 120_000);
  afterAll(() => removeProject(dir));

  it('declares dependencies that the resolved packages satisfy', () => {
    expect(dependencyProblems(dir)).toEqual([]);
  });

  it('compiles under strict tsc', async () => {
    const result = await run(npm, ['run', 'typecheck'], { cwd: dir, timeoutMs: 180_000 });
    expect(result.code, describeRun(result)).toBe(0);
  }, 200_000);

  it('passes its own tests', async () => {
    const result = await run(npm, ['test'], { cwd: dir, timeoutMs: 240_000, env: { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+\d+ passed/);
    expect(result.stdout).toContain('order-flow.test.ts');
  }, 260_000);

  it('runs the demo: four timelines ending in CONFIRMED or CANCELLED, consistent databases', async () => {
    const dataDir = join(dir, 'data-demo');
    const result = await run(npm, ['run', 'demo'], { cwd: dir, timeoutMs: 120_000, env: { DATA_DIR: dataDir } });
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stdout).toContain('Every scenario ended as expected.');
    expect(result.stdout.match(/^order [0-9a-f-]{36}: (CONFIRMED|CANCELLED) after \d+ ms$/gm)).toHaveLength(4);
    // The happy path, in the orchestrated demo's columns (offset, service, event, status).
    expect(result.stdout).toMatch(/\+\s+\d+ ms {2}order {9}OrderCreated {16}PENDING\n.*payment {7}PaymentCompleted.*\n.*inventory {5}InventoryReserved.*\n.*shipping {6}ShipmentScheduled.*\n.*order {9}OrderConfirmed {14}PENDING -> CONFIRMED/);
    // Shipping failed: stock released before the refund.
    expect(result.stdout).toMatch(/shipping\s+ShipmentFailed[^\n]*\n(?:.*\n)*?.*inventory\s+InventoryReleased[^\n]*\n(?:.*\n)*?.*payment\s+PaymentRefunded/);
    const query = sqliteQuery(dataDir);
    try {
      const { problems, states, releasedAndRefunded } = await checkChoreography(query);
      expect(problems).toEqual([]);
      expect(states).toEqual({ COMPLETED: 1, COMPENSATED: 3 });
      expect(releasedAndRefunded).toBe(1);
    } finally {
      query.close();
    }
  }, 140_000);
});
