#!/usr/bin/env node
// `edasaga validate` with plain flags skips oclif entirely (see src/cli/fast-validate.ts): it is
// run in editors and git hooks, where startup time is most of its cost. Everything else is oclif.
// EDASAGA_NO_FAST_PATH=1 forces oclif (tests use it to check both paths agree).

// `edasaga validate | head` closes the pipe early: that is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const args = process.argv.slice(2);
let handled = false;
if (args[0] === 'validate' && !process.env.EDASAGA_NO_FAST_PATH) {
  let fast;
  for (const path of ['../dist/cli/validate.bundle.mjs', '../dist/cli/fast-validate.js']) {
    try {
      fast = await import(path);
      break;
    } catch {
      fast = undefined; // not built (or built without the bundle): next option, finally oclif
    }
  }
  const code = fast ? await fast.fastValidate(args.slice(1)) : undefined;
  if (code !== undefined) {
    process.exitCode = code;
    handled = true;
  }
}
if (!handled) {
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
