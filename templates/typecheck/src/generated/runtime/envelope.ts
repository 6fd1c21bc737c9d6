// Type-check stand-in, never copied (see index.ts beside it).
export * from '../../../../../src/runtime/envelope.js';
