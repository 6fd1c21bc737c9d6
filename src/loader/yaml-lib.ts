// The `yaml` package, loaded on first use. It is the careful parser (syntax tree, a position for
// every node) and costs time to import and much more to run on big files, so paths that never
// report a position (a clean `validate`, `check-compat` without findings) never load it.
// A synchronous require (yaml ships CommonJS) because parsing and locating are synchronous APIs.
// Named `loadModule`, not `require`, so the esbuild bundle of the validate fast path leaves it a
// runtime require of the installed package instead of inlining yaml into the bundle.

import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const loadModule = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  return (yaml ??= loadModule('yaml') as typeof Yaml);
}
