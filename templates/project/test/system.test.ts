// Starts every service in this process on throw-away SQLite files and stops them again. This file is
// yours: add tests of your sagas' paths here (see the order-system example for happy path,
// compensation, duplicate delivery and timeout tests).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVICE_NAMES, loadConfig, startSystem } from '../src/generated/app/index.js';

const dataDir = mkdtempSync(join(tmpdir(), 'system-test-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the system', () => {
  it('starts every service and stops cleanly', async () => {
    const config = { ...loadConfig({}), dataDir };
    const system = await startSystem({ config, env: {}, logger: 'silent', http: { port: 0 } });
    try {
      expect([...system.services.keys()]).toEqual([...SERVICE_NAMES]);
    } finally {
      await system.stop();
    }
  });
});
