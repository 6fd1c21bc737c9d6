// The choreography's Mermaid diagram in the generated docs (src/generated/docs/sagas.md): golden for
// the fixture, and its structure (no Mermaid parser is installed): every line is one of the few
// forms the emitter writes, every reaction is a node, every failure a dashed edge, every
// compensation an "undone by" edge, and the path table lists each path with its compensations.
// UPDATE_GOLDEN=1 rewrites test/generate/choreography-golden/.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Choreography } from '../../src/model/types.js';
import { loadProject } from '../../src/project/load.js';
import { choreographyDiagram, choreographyMarkdown } from '../../src/generate/project/choreography-mermaid.js';
import { REPO } from './helpers/workspace.js';

const GOLDEN = join(REPO, 'test/generate/choreography-golden/order-flow.mmd');

describe('the choreography diagram', () => {
  let flow: Choreography;
  beforeAll(async () => {
    const loaded = await loadProject({ catalogPath: join(REPO, 'test/fixtures/choreography/catalog.yaml') });
    flow = loaded.project!.choreographies[0]!;
  });

  it('matches the golden file', () => {
    const diagram = `${choreographyDiagram(flow)}\n`;
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, diagram);
    expect(diagram).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('is made of the forms Mermaid flowcharts take, ids only outside quotes', () => {
    const [head, ...body] = choreographyDiagram(flow).split('\n');
    expect(head).toBe('flowchart TD');
    const forms = [
      /^ {2}e\d+\(\["[^"]+"\]\)$/,
      /^ {2}r\d+\["[^"]+"\]$/,
      /^ {2}e\d+ --> r\d+$/,
      /^ {2}r\d+ -- "success" --> e\d+$/,
      /^ {2}r\d+ -\. "failure" \.-> e\d+$/,
      /^ {2}r\d+ -\. "undone by" \.-> r\d+$/,
      /^ {2}classDef \w+ [\w#:,\- ]+$/,
      /^ {2}class [er\d,]+ \w+$/,
    ];
    for (const line of body) expect(forms.some((f) => f.test(line)), line).toBe(true);
    // Every id used is declared before it is used.
    const declared = new Set<string>();
    for (const line of body) {
      const decl = /^ {2}([er]\d+)[[(]/.exec(line);
      if (decl) declared.add(decl[1]!);
      else if (!/classDef/.test(line)) for (const id of line.replace(/"[^"]*"/g, '').match(/\b[er]\d+\b/g) ?? []) expect(declared.has(id), `${id} in ${line}`).toBe(true);
    }
  });

  it('draws every reaction, failure and compensation, and tables every path', () => {
    const diagram = choreographyDiagram(flow);
    for (const r of flow.reactions) expect(diagram).toContain(`: ${r.name}"]`);
    expect(diagram.match(/"failure"/g)).toHaveLength(3);
    expect(diagram.match(/"undone by"/g)).toHaveLength(2);
    const table = choreographyMarkdown(flow).filter((l) => l.startsWith('| OrderCreated'));
    expect(table).toEqual([
      '| OrderCreated → charge → PaymentCompleted → reserve → InventoryReserved → schedule → ShipmentScheduled → confirm → OrderConfirmed | OrderConfirmed (COMPLETED) | - | - |',
      '| OrderCreated → charge → PaymentCompleted → reserve → InventoryReserved → schedule → ShipmentFailed → cancel → OrderCancelled | OrderCancelled (COMPENSATED) | ShipmentFailed | release, refund |',
      '| OrderCreated → charge → PaymentCompleted → reserve → InventoryReservationFailed → cancel → OrderCancelled | OrderCancelled (COMPENSATED) | InventoryReservationFailed | refund |',
      '| OrderCreated → charge → PaymentDeclined → cancel → OrderCancelled | OrderCancelled (COMPENSATED) | PaymentDeclined | - |',
    ]);
  });
});
