// Projects generated before everything edasaga owns moved under src/generated/ keep working: where
// the user's package.json still runs an old entry point (src/main.ts, scripts/start-dev.mjs, ...) or
// the user's code still imports the old src/edasaga-runtime/, a one-line forwarding file is kept
// there (generated, so the next generate removes it once nothing points at it any more). The moved
// files themselves are written at their new places and the old copies removed by the writer.
import type { PlannedFile } from '../plan.js';
import type { ExistingProject } from '../existing.js';

/** Old entry points, the file each now is, and how the forwarding file imports it. */
interface OldEntry {
  readonly old: RegExp;
  readonly path: (match: RegExpMatchArray) => string;
  /** Where it is now (what package.json should run). */
  readonly now: (match: RegExpMatchArray) => string;
  /** The import of that file from the old place. */
  readonly target: (match: RegExpMatchArray) => string;
}

const OLD_ENTRIES: readonly OldEntry[] = [
  { old: /(?:^|\s)src\/main\.ts\b/, path: () => 'src/main.ts', now: () => 'src/generated/main.ts', target: () => './generated/main.js' },
  { old: /(?:^|\s)src\/migrate\.ts\b/, path: () => 'src/migrate.ts', now: () => 'src/generated/migrate.ts', target: () => './generated/migrate.js' },
  { old: /(?:^|\s)src\/services\/([^/\s]+)\/main\.ts\b/, path: (m) => `src/services/${m[1]}/main.ts`, now: (m) => `src/generated/mains/${m[1]}.ts`, target: (m) => `../../generated/mains/${m[1]}.js` },
  { old: /(?:^|\s)scripts\/start-dev\.mjs\b/, path: () => 'scripts/start-dev.mjs', now: () => 'src/generated/scripts/start-dev.mjs', target: () => '../src/generated/scripts/start-dev.mjs' },
  { old: /(?:^|\s)scripts\/build\.mjs\b/, path: () => 'scripts/build.mjs', now: () => 'src/generated/scripts/build.mjs', target: () => '../src/generated/scripts/build.mjs' },
  { old: /(?:^|\s)scripts\/demo\.ts\b/, path: () => 'scripts/demo.ts', now: () => 'src/generated/scripts/demo.ts', target: () => '../src/generated/scripts/demo.js' },
];

const MOVED_NOTE = 'edasaga moved its files under src/generated/; this file only forwards there because';

export function legacyForwarders(existing: ExistingProject | undefined): PlannedFile[] {
  if (existing === undefined) return [];
  const files = new Map<string, PlannedFile>();
  for (const command of existing.scripts) {
    for (const entry of OLD_ENTRIES) {
      const match = command.match(entry.old);
      if (match === null) continue;
      const path = entry.path(match);
      const now = entry.now(match);
      files.set(path, {
        path,
        ownership: 'generated',
        content: `// ${MOVED_NOTE} package.json still runs ${path}.\n// Point that script at ${now} and the next generate removes this file.\nimport '${entry.target(match)}';\n`,
        notice: `package.json runs ${path}, which moved to ${now}: kept a forwarding file at the old place; point the script at ${now}`,
      });
    }
  }
  for (const module of existing.oldRuntimeImports) {
    const depth = module.split('/').length;
    const path = `src/edasaga-runtime/${module}.ts`;
    files.set(path, {
      path,
      ownership: 'generated',
      content: `// ${MOVED_NOTE} your code imports ${path}.\n// Import from src/generated/runtime/index.js instead and the next generate removes this file.\nexport * from '${'../'.repeat(depth)}generated/runtime/${module}.js';\n`,
      notice: `your code imports src/edasaga-runtime/${module}.js, which moved to src/generated/runtime/: kept a forwarding file there; import from src/generated/runtime/index.js instead`,
    });
  }
  return [...files.values()];
}

/** Where a file of the old layout (before src/generated/ held everything) is now; undefined if it did not move. */
export function movedTo(oldPath: string): string | undefined {
  if (oldPath.startsWith('src/edasaga-runtime/')) return `src/generated/runtime/${oldPath.slice('src/edasaga-runtime/'.length)}`;
  const service = /^src\/services\/([^/]+)\/main\.ts$/.exec(oldPath);
  if (service !== null) return `src/generated/mains/${service[1]}.ts`;
  const fixed: Record<string, string> = {
    'src/main.ts': 'src/generated/main.ts',
    'src/migrate.ts': 'src/generated/migrate.ts',
    'scripts/start-dev.mjs': 'src/generated/scripts/start-dev.mjs',
    'scripts/build.mjs': 'src/generated/scripts/build.mjs',
    'scripts/demo.ts': 'src/generated/scripts/demo.ts',
    'tsconfig.build.json': 'src/generated/tsconfig.build.json',
    'docs/sagas.md': 'src/generated/docs/sagas.md',
    'docs/event-flow.md': 'src/generated/docs/event-flow.md',
  };
  return fixed[oldPath];
}
