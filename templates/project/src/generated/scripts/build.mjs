// npm run build: compiles src/ to dist/ for running without tsx (`node dist/generated/main.js`,
// `node dist/generated/mains/<service>.js`, `npm run start:dev -- --built`). tsc does not emit the
// ajv standalone validators (JavaScript, each with a .d.ts beside it, which the compiler reads
// instead), so they and any other JavaScript or JSON under src/ are copied over as they are.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is src/generated/scripts/build.mjs: the project is three folders up.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

// A fresh dist/: a module deleted from src/ must not linger and still be importable.
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(src, 'generated', 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

let copied = 0;
function copyPlain(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyPlain(path);
    // A .js beside a .ts of the same name would overwrite what tsc compiled from the .ts.
    else if (/\.(js|mjs|cjs|json)$/.test(entry.name) && !existsSync(path.replace(/\.[cm]?js$/, '.ts'))) {
      const target = join(dist, relative(src, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      copied += 1;
    }
  }
}
copyPlain(src);
console.log(`built dist/ (${copied} JavaScript and JSON files copied as they are)`);
