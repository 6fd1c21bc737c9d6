// Worker thread entry: compiles a share of a big catalog's validators (see precompile.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { ValidatorCompiler, type ValidatorJob } from './validator-compile.js';

const compiler = new ValidatorCompiler();
const jobs = (workerData as { jobs: ValidatorJob[] }).jobs;
parentPort?.postMessage(jobs.map((job) => [job.name, compiler.compile(job)] as const));
