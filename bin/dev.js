#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step), for working on edasaga itself.
// oclif's development mode would register tsx itself and map dist/ to src/, but its registration
// fails with current tsx releases and then quietly falls back to dist/ (stale or missing while you
// work). So: register tsx here, point oclif at src/commands, and ignore the manifest (it names dist/).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = fileURLToPath(new URL('..', import.meta.url));
const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
pjson.oclif = { ...pjson.oclif, commands: './src/commands' };
const { execute } = await import('@oclif/core');
await execute({ loadOptions: { root, pjson, ignoreManifest: true } });
