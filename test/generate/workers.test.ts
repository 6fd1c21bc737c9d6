// Big catalogs compile their validators on worker threads: the output must be exactly what the
// in-process compiler produces.
import { describe, expect, it } from 'vitest';
import { validatorJob } from '../../src/generate/emit/validators.js';
import { emitContext, planProject } from '../../src/generate/planner.js';
import { precompileValidators, WORKER_THRESHOLD } from '../../src/generate/precompile.js';
import { jobHash, ValidatorCompiler } from '../../src/generate/validator-compile.js';
import type { Project } from '../../src/model/types.js';
import { catalogFromObject, EXAMPLE_CATALOG, loadRaw } from './helpers/model.js';

function bigProject(count: number): Project {
  const raw = loadRaw();
  const template = raw['messages'].OrderCreated;
  for (let i = 0; i < count; i++) raw['messages'][`Extra${i}Happened`] = template;
  return { catalog: catalogFromObject(raw, EXAMPLE_CATALOG), sagas: [] };
}

/** Sets an environment variable; the returned function puts back what was there (call it in finally). */
function setEnv(name: string, value: string): () => void {
  const before = process.env[name];
  process.env[name] = value;
  return () => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  };
}

describe('validators compiled on worker threads', () => {
  it('match the in-process compiler, message by message', async () => {
    // Forced on: by default workers are used only on machines with 4 cores or more.
    const restore = setEnv('EDASAGA_GENERATE_WORKERS', '2');
    try {
      const project = bigProject(WORKER_THRESHOLD);
      const ctx = emitContext(project, {}, [], []);
      const jobs = project.catalog.messages.map((m) => validatorJob(m, ctx));
      const fromWorkers = await precompileValidators(jobs);
      expect(fromWorkers?.size).toBe(jobs.length);
      const compiler = new ValidatorCompiler();
      for (const job of jobs) expect(fromWorkers?.get(job.name)).toBe(compiler.compile(job));
      // And the plan built with them is the plan built without them.
      const precompiled = new Map(jobs.map((job) => [job.name, { content: fromWorkers?.get(job.name) ?? '', inputHash: jobHash(job) }]));
      const withWorkers = planProject(project, { emitters: [], precompiled });
      const without = planProject(project, { emitters: [] });
      expect(withWorkers.files).toEqual(without.files);
    } finally {
      restore();
    }
  });

  it('are not used for small catalogs, nor when turned off', async () => {
    const restore = setEnv('EDASAGA_GENERATE_WORKERS', '0');
    try {
      const big = bigProject(WORKER_THRESHOLD);
      const bigCtx = emitContext(big, {}, [], []);
      expect(await precompileValidators(big.catalog.messages.map((m) => validatorJob(m, bigCtx)))).toBeUndefined();
    } finally {
      restore();
    }
    const project = bigProject(1);
    const ctx = emitContext(project, {}, [], []);
    expect(await precompileValidators(project.catalog.messages.map((m) => validatorJob(m, ctx)))).toBeUndefined();
  });
});
