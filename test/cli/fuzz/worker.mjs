// A child process that runs edasaga's commands, as built (dist/), on one fuzz case after another:
// `validate`, `generate` and `check-compat` through the functions the CLI calls, each with
// --format json, plus the model and diagnostics of the fast and of the careful YAML path. The parent
// (harness.ts) sends one case per line on stdin and reads one JSON result per line on stdout; it
// kills this process when a case takes too long (a hang) and sees it die when it crashes (an
// out-of-memory abort, a stack overflow Node cannot catch), which a test in-process could not.
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dist = process.argv[2];
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const [{ runValidate }, { runGenerateCommand }, { runCheckCompat }, { loadProject }] = await Promise.all([
  load('cli/run-validate.js'),
  load('cli/run-generate.js'),
  load('cli/run-check-compat.js'),
  load('project/load.js'),
]);

function sink() {
  let text = '';
  return { write: (s) => void (text += s), get text() { return text; } };
}

/** Runs one command; an exception is what the CLI would have shown as a stack trace. */
async function command(fn) {
  const stdout = sink();
  const stderr = sink();
  const started = performance.now();
  try {
    const exit = await fn(stdout, stderr);
    return { exit, stdout: stdout.text, stderr: stderr.text, ms: performance.now() - started };
  } catch (error) {
    return { exit: 'threw', stdout: stdout.text, stderr: stderr.text, error: String(error?.stack ?? error), ms: performance.now() - started };
  }
}

/** What the load pipeline gives on one YAML path: diagnostics and the model, comparable as JSON. */
async function loadWith(careful, catalog) {
  if (careful) process.env.EDASAGA_CAREFUL_YAML = '1';
  else delete process.env.EDASAGA_CAREFUL_YAML;
  try {
    const r = await loadProject({ catalogPath: catalog });
    return JSON.stringify({ diagnostics: r.diagnostics, project: r.project ?? null });
  } catch (error) {
    return `threw: ${error?.stack ?? error}`;
  } finally {
    delete process.env.EDASAGA_CAREFUL_YAML;
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const job = JSON.parse(line);
  const catalog = join(job.dir, 'catalog.yaml');
  const result = {
    validate: await command((stdout, stderr) => runValidate({ catalog, format: 'json', color: false }, { stdout, stderr })),
    generate: await command((stdout, stderr) =>
      runGenerateCommand(
        { catalog, format: 'json', color: false, dryRun: !job.write, out: job.dir },
        { stdout, stderr },
      ),
    ),
    compat: await command((stdout, stderr) =>
      runCheckCompat({ catalog, format: 'json', color: false, cwd: job.dir, ...(job.against ? { against: job.against } : {}) }, { stdout, stderr }),
    ),
    fast: await loadWith(false, catalog),
    careful: await loadWith(true, catalog),
  };
  // Marked: anything else on stdout is output that escaped the commands, which the parent reports.
  process.stdout.write(`@@result ${JSON.stringify(result)}\n`);
}
