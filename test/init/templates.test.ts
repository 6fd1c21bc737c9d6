// The init templates: every name the command offers is a template folder, and the choreography
// template is copied whole with its saga file pointed at the copied language schema.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Init from '../../src/commands/init.js';
import { TEMPLATES, initProject } from '../../src/init/init.js';

const root = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'edasaga-init-templates-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('init templates', () => {
  it('offers exactly the templates the library knows, each a folder under examples/', () => {
    expect(Init.flags.template.options).toEqual([...TEMPLATES]);
    for (const name of TEMPLATES) expect(existsSync(join(root, 'examples', name, 'catalog.yaml')), name).toBe(true);
  });

  it('copies the choreography template: six services, the flow, the scenarios, the tests', () => {
    const dir = join(tmp, 'shop');
    const r = initProject({ dir, template: 'choreography', force: false });
    expect(r.diagnostics).toEqual([]);
    for (const service of ['order', 'payment', 'inventory', 'shipping', 'notification', 'analytics']) {
      expect(r.written).toContain(`src/services/${service}/handlers.ts`);
      expect(r.written).toContain(`src/services/${service}/migrations.ts`);
    }
    expect(r.written).toContain('scripts/demo-scenarios.ts');
    expect(r.written).toContain('test/order-flow.test.ts');
    const flow = readFileSync(join(dir, 'sagas/order-flow.yaml'), 'utf8');
    expect(flow.split('\n')[0]).toBe('# yaml-language-server: $schema=../.edasaga/schemas/saga.schema.json');
    expect(flow).toContain('choreography:\n  name: OrderFlow');
  });
});
