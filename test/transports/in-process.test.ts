// The transport contract against the embedded in-process transport.
import { createInProcessTransport } from '../../src/runtime/transports/in-process.js';
import { transportContract } from './contract.js';

transportContract({
  name: 'in-process',
  create: async () => createInProcessTransport(),
  // Nothing outlives the transport object.
  dropTopics: async () => undefined,
  otherKeysFlowDuringRetry: true,
  waitMs: 10_000,
});
