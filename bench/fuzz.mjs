#!/usr/bin/env node
// The CLI fuzz run of test/cli/fuzz.test.ts, longer: mutated copies of the example catalog and saga
// through the built validate, generate and check-compat (test/cli/fuzz/harness.ts says what is
// checked on every case), then the sampled catalogs that validate compiled under strict tsc in one
// run. Prints the cases, their exit codes, the error codes seen, and the time (wall and per case).
//
//   npm run build && node bench/fuzz.mjs [runs=1000] [seed=random] [compile samples=5]
// Exits 1 (with the case and what went wrong) when a case broke a promise.
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rmSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const REPO = join(import.meta.dirname, '..');
const runs = Number(process.argv[2] ?? 1000);
const seed = Number(process.argv[3] ?? Math.floor(Math.random() * 2 ** 31));
const compileSamples = Number(process.argv[4] ?? 5);
const { runFuzz } = await tsImport(pathToFileURL(join(REPO, 'test/cli/fuzz/harness.ts')).href, import.meta.url);
const root = join(REPO, '.tmp', `fuzz-bench-${process.pid}`);

console.log(`fuzz: ${runs} cases, seed ${seed}, ${compileSamples} compile samples; ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const cpuStart = process.cpuUsage();
let failed = false;
try {
  const report = await runFuzz({ seed, runs, compileSamples, root, log: (line) => console.log(`  ${line}`) });
  const exits = Object.entries(report.exits).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
  const codes = Object.entries(report.codes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`cases: ${report.cases}, every one kept every promise`);
  console.log(`exit codes (validate/generate/check-compat): ${exits}`);
  console.log(`error codes from validate: ${codes}`);
  console.log(`compiled: ${report.compiled} projects under strict tsc, ${report.compileOutput === '' ? 'clean' : 'FAILED'} (${(report.ms.compile / 1000).toFixed(1)} s)`);
  if (report.compileOutput !== '') {
    failed = true;
    console.log(report.compileOutput.slice(0, 5000));
  }
  const cpu = process.cpuUsage(cpuStart);
  console.log(
    `time: ${(report.ms.total / 1000).toFixed(1)} s wall; commands ${(report.ms.commands / report.cases).toFixed(0)} ms per case ` +
      `(validate + generate + check-compat, in the worker); this process ${((cpu.user + cpu.system) / 1000 / report.cases).toFixed(0)} ms CPU per case (writing cases, fast-check)`,
  );
} catch (error) {
  failed = true;
  console.log(`FAILED (seed ${seed}): ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (!failed && !process.env.FUZZ_KEEP) rmSync(root, { recursive: true, force: true });
  else console.log(`cases kept in ${root}`);
}
process.exitCode = failed ? 1 : 0;
