// Worker thread entry: compiles a share of a big catalog's validators (see precompile.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ValidatorCompiler, type ValidatorJob } from './validator-compile.js';

const compiler = new ValidatorCompiler();
const jobs = (workerData as { jobs: ValidatorJob[] }).jobs;
// A job ajv refuses is left out: the planner compiles it again in-process and reports the error.
const results: [string, string][] = [];
for (const job of jobs) {
  try {
    results.push([job.name, compiler.compile(job)]);
  } catch {
    // see above
  }
}
parentPort?.postMessage(results);
