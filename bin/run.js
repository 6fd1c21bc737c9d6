#!/usr/bin/env node
// `edasaga validate` with plain flags skips oclif entirely (see src/cli/fast-validate.ts): it is
// run in editors and git hooks, where startup time is most of its cost. Everything else is oclif.
// EDASAGA_NO_FAST_PATH=1 forces oclif (tests use it to check both paths agree).

const args = process.argv.slice(2);
let handled = false;
if (args[0] === 'validate' && !process.env.EDASAGA_NO_FAST_PATH) {
  let fast;
  try {
    fast = await import('../dist/cli/fast-validate.js');
  } catch {
    fast = undefined; // not built: let oclif report it
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
