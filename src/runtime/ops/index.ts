// The ops core: what the generated project's `npm run ops` CLI calls. Every function takes a
// service's Db (or a saga engine) and returns data; nothing prints. Failures are OpsErrors, one
// line each, exit code 2; a command that fails has changed nothing (docs/runtime.md, "Ops core").
export * from './errors.js';
export * from './sagas.js';
export * from './dead-letters.js';
export * from './outbox.js';
