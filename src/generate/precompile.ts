// Compiling validators is most of generate's work on a big catalog. On machines with cores to spare
// it is spread over worker threads with capped heaps (same output: one fresh ajv per message).
// Small catalogs always compile in-process: starting workers would cost more than it saves.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ValidatorJob } from './validator-compile.js';

export const WORKER_THRESHOLD = 64;

/** The worker: the built .js file, or (running the TypeScript sources) the .ts file through tsx. */
function workerEntry(): { entry: URL | string; eval: boolean } {
  if (!import.meta.url.endsWith('.ts')) return { entry: new URL('./validators-worker.js', import.meta.url), eval: false };
  // Loader hooks of the parent thread do not reach workers on Node 20: register tsx inside.
  // The ESM build of tsx's API (its CommonJS build cannot register hooks on Node 20).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  const target = new URL('./validators-worker.ts', import.meta.url).href;
  return { entry: `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(target)}); });`, eval: true };
}

function runWorker(jobs: readonly ValidatorJob[]): Promise<[string, string][]> {
  const { entry, eval: isEval } = workerEntry();
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, {
      eval: isEval,
      workerData: { jobs },
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 },
    });
    worker.once('message', (results: [string, string][]) => {
      resolve(results);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`validator worker exited with ${code}`));
    });
  });
}

/** Module text by message name, or undefined when workers are not worth it (or not available). */
export async function precompileValidators(jobs: readonly ValidatorJob[]): Promise<ReadonlyMap<string, string> | undefined> {
  if (jobs.length === 0) return undefined;
  // EDASAGA_GENERATE_WORKERS: how many worker threads (0: compile in-process). Default: one per core,
  // at most 4, on machines with 4 cores or more. On 2 cores workers did not pay (measured on 1,000
  // messages: 7.1 s in-process vs 10.9 s with 2 workers on a busy machine; +0.8 s of CPU to start them).
  const cores = availableParallelism();
  const wanted = Number(process.env['EDASAGA_GENERATE_WORKERS'] ?? (cores >= 4 ? 4 : 0));
  if (jobs.length < WORKER_THRESHOLD || !(wanted >= 1)) return undefined;
  const count = Math.max(1, Math.min(wanted, cores));
  const shares: ValidatorJob[][] = Array.from({ length: count }, () => []);
  jobs.forEach((job, i) => shares[i % count]?.push(job));
  try {
    const results = await Promise.all(shares.filter((s) => s.length > 0).map(runWorker));
    return new Map(results.flat());
  } catch {
    // A worker that cannot start or runs out of its heap: compile in-process instead (slower, same output).
    return undefined;
  }
}
