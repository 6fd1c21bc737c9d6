// Compiling validators is most of generate's work on a big catalog. It is spread over worker
// threads (one per core, at most 4) whose heaps are capped, so the work runs in parallel and the
// garbage ajv's code generation leaves behind is collected early instead of growing the process.
// Small catalogs compile in-process: starting workers would cost more than it saves.
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
      resourceLimits: { maxOldGenerationSizeMb: Number(process.env["EDASAGA_W_OLD"] ?? 96), maxYoungGenerationSizeMb: Number(process.env["EDASAGA_W_YOUNG"] ?? 16) },
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
  if (jobs.length < WORKER_THRESHOLD) return undefined;
  const count = Math.max(1, Math.min(Number(process.env["EDASAGA_GENERATE_WORKERS"] ?? 4), availableParallelism()));
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
