// Shared by the benches that run a CLI as users do: a child process timed for wall clock, CPU
// (user + sys, from /usr/bin/time -v when the machine has it: the steadier figure on a shared
// machine) and peak resident memory.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const haveTime = existsSync('/usr/bin/time');

/** Runs argv[0] with the rest; throws unless it exits with one of `okCodes`. */
export function timedRun(argv, cwd, okCodes = [0], env = process.env) {
  const [command, args] = haveTime ? ['/usr/bin/time', ['-v', ...argv]] : [argv[0], argv.slice(1)];
  const started = performance.now();
  const child = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - started;
  if (!okCodes.includes(child.status)) throw new Error(`${argv.join(' ')} exited with ${child.status}\n${child.stdout}\n${child.stderr?.slice(-4000)}`);
  const field = (name) => new RegExp(`${name}: ([\\d.]+)`).exec(child.stderr ?? '')?.[1];
  const user = field('User time \\(seconds\\)');
  const sys = field('System time \\(seconds\\)');
  const rss = field('Maximum resident set size \\(kbytes\\)');
  return {
    ms,
    cpuMs: user !== undefined && sys !== undefined ? (Number(user) + Number(sys)) * 1000 : NaN,
    rssMiB: rss !== undefined ? Number(rss) / 1024 : NaN,
    stdout: child.stdout,
  };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
