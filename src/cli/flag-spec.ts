// The base flags as plain data, shared by the oclif commands and the lean `validate` path in
// bin/run.js (which parses them with node:util instead of loading oclif).

export const BASE_FLAG_SPEC = {
  catalog: {
    description: 'Path of the event catalog.',
    default: './catalog.yaml',
  },
  saga: {
    description: 'Saga file to check (repeatable). Default: every sagas/*.yaml beside the catalog.',
  },
  transport: {
    description: "Transport the project runs on: step timeouts are checked against its redelivery bound. Default: $EDASAGA_TRANSPORT, else in-process.",
    options: ['in-process', 'nats', 'kafka'] as readonly string[],
  },
  format: {
    description: 'Output format.',
    options: ['text', 'json'] as readonly string[],
    default: 'text',
  },
} as const;
