// npm run ops -- <command>: inspect sagas, dead letters and the outbox; replay what failed
// (app/ops/cli.ts; npm run ops -- help). Reads the same configuration as the services.
import { runOps } from './app/ops/cli.js';

process.exitCode = await runOps(process.argv.slice(2), {
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
});
