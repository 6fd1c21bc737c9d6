// A project whose only saga is a choreography (test/fixtures/choreography) generates the surfaces
// the choreography template builds on (docs/language.md, "Choreographed sagas"), and compiles.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../src/project/load.js';
import type { Project } from '../../src/model/types.js';
import { generateProject, projectsRoot, typecheckProjects } from './helpers/compile-projects.js';
import { REPO } from './helpers/workspace.js';

export const CHOREO_CATALOG = join(REPO, 'test/fixtures/choreography/catalog.yaml');

describe('a choreography, generated', () => {
  const root = projectsRoot('choreography');
  const dir = join(root, 'flow');
  let project: Project;
  afterAll(() => {
    if (process.env['KEEP_E2E'] !== '1') rmSync(root, { recursive: true, force: true });
  });
  beforeAll(async () => {
    const loaded = await loadProject({ catalogPath: CHOREO_CATALOG });
    expect(loaded.diagnostics).toEqual([]);
    project = loaded.project!;
    expect(await generateProject(project, dir)).toEqual([]);
  }, 60_000);

  it('is modelled as a choreography, not a saga', () => {
    expect(project.sagas).toEqual([]);
    expect(project.choreographies.map((c) => [c.name, c.origin, c.reactions.length])).toEqual([['OrderFlow', 'order', 11]]);
    const refund = project.choreographies[0]!.reactions.find((r) => r.name === 'refund')!;
    expect(refund.on).toEqual(['InventoryReservationFailed', 'InventoryReleased']);
    expect(refund.loc.line).toBe(36); // "- name: refund"
  });

  it('wires each reaction to its events and the origin to every event of the flow', () => {
    const services = readFileSync(join(dir, 'src/generated/app/services.ts'), 'utf8');
    const handlers = (service: string): string[] => {
      const block = services.slice(services.indexOf(`case "${service}": {`));
      return [...block.slice(0, block.indexOf('migrations:')).matchAll(/bindHandler\(catalog\.(\w+),/g)].map((m) => m[1]!);
    };
    expect(handlers('payment')).toEqual(['OrderCreated', 'InventoryReservationFailed', 'InventoryReleased']);
    expect(handlers('inventory')).toEqual(['PaymentCompleted', 'ShipmentFailed']);
    expect(handlers('shipping')).toEqual(['InventoryReserved']);
    expect(handlers('analytics')).toEqual(['OrderCreated']);
    expect(handlers('notification')).toEqual(['PaymentCompleted', 'PaymentRefunded', 'OrderConfirmed', 'OrderCancelled']);
    expect(handlers('order')).toHaveLength(11);
  });

  it('gives the origin an API entry of kind choreography with the flow', () => {
    const services = readFileSync(join(dir, 'src/generated/app/services.ts'), 'utf8');
    expect(services).toContain('kind: "choreography",\n    service: "order",\n    saga: "OrderFlow",\n    path: "/orders",');
    expect(services).toContain('statuses: { COMPLETED: "CONFIRMED", COMPENSATED: "CANCELLED", FAILED: "FAILED" },');
    expect(services).toContain('terminal: { "com.example.choreography.OrderConfirmed": "COMPLETED", "com.example.choreography.OrderCancelled": "COMPENSATED" },');
    const events = /events: \[([^\]]*)\]/.exec(services)![1]!.split(', ').map((e) => JSON.parse(e) as string);
    expect(events).toHaveLength(11);
    expect(events).toContain('com.example.choreography.PaymentRefunded');
  });

  it('documents the flow in src/generated/docs/sagas.md', () => {
    const docs = readFileSync(join(dir, 'src/generated/docs/sagas.md'), 'utf8');
    expect(docs).toContain('## OrderFlow (choreography)');
    expect(docs).toContain('```mermaid\nflowchart TD\n');
    expect(docs).not.toContain('This catalog has no sagas.');
  });

  it('compiles under strict tsc', async () => {
    expect(await typecheckProjects(root, [dir])).toBe('');
  }, 180_000);
});
