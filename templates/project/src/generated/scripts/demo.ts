// npm run demo: places the scenarios of scripts/demo-scenarios.ts through the HTTP API, waits for
// each saga to end, and prints every timeline (which service did what, in order, with timings).
// With API_URL set it drives that running system (e.g. `npm run start:dev`); otherwise it starts
// the whole system in this process first (SQLite in DATA_DIR, in-process transport).
// Exits 1 when a scenario does not end in the status it expects.
import { startSystem, type RunningSystem } from '../app/system.js';
import { apis } from '../app/services.js';
import type { TimelineStep } from '../app/http.js';
import { isChoreography } from '../app/flow-tracker.js';
// Yours: the orders the demo posts (scripts/demo-scenarios.ts, created once).
import { scenarios } from '../../../scripts/demo-scenarios.js';

interface View {
  readonly status: string;
  readonly state: string;
  readonly steps: readonly TimelineStep[];
  readonly [field: string]: unknown;
}

const api = apis[0];
if (api === undefined) {
  console.log('This catalog has no saga that starts over HTTP; nothing to demonstrate.');
  process.exit(0);
}
if (scenarios.length === 0) {
  console.log('No scenarios yet: add some to scripts/demo-scenarios.ts.');
  process.exit(0);
}

/** A choreography shows its timeline without a compensation summary: no orchestrator tracks one. */
const choreography = isChoreography(api);
const timeoutMs = Number(process.env['DEMO_TIMEOUT_MS'] ?? '60000');
let system: RunningSystem | undefined;
let base = process.env['API_URL']?.replace(/\/+$/, '');
if (base === undefined || base === '') {
  system = await startSystem({ http: { port: 0 }, logger: 'silent' });
  if (system.http === undefined) throw new Error('the HTTP API did not start');
  base = system.http.url;
  console.log(`Started every service in this process (${system.transport.name} transport); API at ${base}\n`);
} else {
  const health = await fetch(`${base}/health`).then(
    (response) => response.ok,
    () => false,
  );
  if (!health) {
    console.error(`Nothing answers at ${base}/health: start the system first (npm start, or npm run start:dev), or unset API_URL.`);
    process.exit(2);
  }
  console.log(`Driving the system at ${base}\n`);
}

async function place(body: unknown): Promise<string> {
  const response = await fetch(`${base}${api!.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 202) throw new Error(`POST ${api!.path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return String(answer[api!.idField]);
}

async function follow(id: string): Promise<View> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${base}${api!.path}/${id}`);
    const view = (await response.json()) as View;
    if (response.status === 200 && view.status !== 'PENDING') return choreography ? settled(id, view) : view;
    if (Date.now() > deadline) return view;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A choreography's terminal event can come before the last compensation (payment refunds on the
 * same event order cancels on): the timeline is shown once nothing new arrived for a moment.
 */
async function settled(id: string, first: View): Promise<View> {
  let view = first;
  const deadline = Date.now() + 2_000;
  for (let quietSince = Date.now(); Date.now() - quietSince < 250 && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const next = (await (await fetch(`${base}${api!.path}/${id}`)).json()) as View;
    if (next.steps.length !== view.steps.length) quietSince = Date.now();
    view = next;
  }
  return view;
}

function timeline(view: View): string {
  return view.steps
    .map((step) => {
      const what = step.message ?? step.event;
      const transition = step.from === step.to ? step.to : `${step.from} -> ${step.to}`;
      return `  +${String(step.elapsedMs).padStart(5)} ms  ${step.service.padEnd(13)} ${what.padEnd(27)} ${transition}${step.note === null ? '' : `  (${step.note})`}`;
    })
    .join('\n');
}

let failures = 0;
try {
  const placed = await Promise.all(scenarios.map(async (scenario) => ({ scenario, id: await place(scenario.body), at: Date.now() })));
  for (const { scenario, id, at } of placed) {
    const view = await follow(id);
    const took = Date.now() - at;
    const ok = scenario.expect === undefined || scenario.expect === view.status;
    if (!ok) failures += 1;
    console.log(`${scenario.name}\n${api.resource} ${id}: ${view.status}${ok ? '' : ` (expected ${scenario.expect})`} after ${took} ms`);
    console.log(timeline(view));
    // What the compensation undid: the replies that arrived while a step was being compensated.
    const undone = view.steps.filter((step) => step.from.startsWith('COMPENSATING_') && step.message !== null);
    if (undone.length > 0) {
      console.log(`  undone: ${undone.map((step) => `${step.from.slice('COMPENSATING_'.length).toLowerCase()} (${step.service}: ${step.message})`).join(', ')}`);
    } else if (view.state === 'COMPENSATED' && !choreography) {
      console.log('  undone: nothing (no step had taken effect)');
    }
    console.log('');
  }
  if (system !== undefined) await system.idle();
} finally {
  await system?.stop();
}
console.log(failures === 0 ? 'Every scenario ended as expected.' : `${failures} scenario(s) did not end as expected.`);
process.exit(failures === 0 ? 0 : 1);
