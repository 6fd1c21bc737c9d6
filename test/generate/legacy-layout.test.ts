// A project made by an edasaga from before everything it owns moved under src/generated/: generate
// moves its own files, says so, never touches the user's, and keeps one-line forwarding files where
// the user's package.json or code still points at the old places, until they point elsewhere.
import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, MANIFEST_PATH, renderOutcome, sha256, type GenerateOutcome } from '../../src/generate/index.js';
import { header } from '../../src/generate/planner.js';
import { legacyForwarders, movedTo } from '../../src/generate/project/legacy.js';
import { readExistingProject } from '../../src/generate/existing.js';
import { loadExample } from './helpers/model.js';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { REPO, removeWorkspace, typecheck } from './helpers/workspace.js';

describe('forwarding files (pure)', () => {
  it('forwards exactly the old entry points package.json runs and the old runtime modules user code imports', () => {
    const files = legacyForwarders({
      scripts: ['tsx src/main.ts', 'tsx src/services/payment/main.ts', 'node scripts/start-dev.mjs', 'vitest run', 'tsx src/generated/migrate.ts'],
      oldRuntimeImports: ['context', 'db/port'],
    });
    const byPath = Object.fromEntries(files.map((f) => [f.path, f.content]));
    expect(Object.keys(byPath).sort()).toEqual(['scripts/start-dev.mjs', 'src/edasaga-runtime/context.ts', 'src/edasaga-runtime/db/port.ts', 'src/main.ts', 'src/services/payment/main.ts']);
    expect(byPath['src/main.ts']).toContain("import './generated/main.js';");
    expect(byPath['src/services/payment/main.ts']).toContain("import '../../generated/mains/payment.js';");
    expect(byPath['scripts/start-dev.mjs']).toContain("import '../src/generated/scripts/start-dev.mjs';");
    expect(byPath['src/edasaga-runtime/db/port.ts']).toContain("export * from '../../generated/runtime/db/port.js';");
    expect(byPath['src/edasaga-runtime/context.ts']).toContain("export * from '../generated/runtime/context.js';");
    for (const file of files) expect(file.ownership).toBe('generated');
    expect(legacyForwarders({ scripts: ['tsx src/generated/main.ts'], oldRuntimeImports: [] })).toEqual([]);
  });

  it('knows where each file of the old layout went', () => {
    expect(movedTo('src/edasaga-runtime/db/port.ts')).toBe('src/generated/runtime/db/port.ts');
    expect(movedTo('src/services/order/main.ts')).toBe('src/generated/mains/order.ts');
    expect(movedTo('docs/sagas.md')).toBe('src/generated/docs/sagas.md');
    expect(movedTo('src/services/order/handlers.ts')).toBeUndefined();
  });
});

const example = await loadExample();

describe('a project in the old layout', () => {
  let dir: string;
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const run = (options: { check?: boolean } = {}): Promise<GenerateOutcome> => generate(example.project, { outDir: dir, bundle: example.bundle, workers: false, ...options });
  let upgrade: GenerateOutcome;

  beforeAll(async () => {
    // An empty folder (the project writes its own package.json and tsconfig) with our dependencies.
    dir = mkdtempSync(join(tmpdir(), 'edasaga-legacy-'));
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    expect((await run()).exitCode).toBe(0);
    // Turn it into what an older edasaga left: its files in the old places (in the manifest, with
    // the hashes it wrote), a package.json running them, user code importing the old runtime path.
    const manifest = JSON.parse(read(MANIFEST_PATH)) as { files: Record<string, { ownership: string; sha256?: string }> };
    const old = (path: string, body: string) => {
      const text = `${header(path, 'catalog.yaml')}${body}`;
      write(path, text);
      manifest.files[path] = { ownership: 'generated', sha256: sha256(text) };
    };
    old('src/main.ts', "import './edasaga-runtime/logger.js';\n");
    old('src/edasaga-runtime/logger.ts', 'export const old = 1;\n');
    old('src/edasaga-runtime/db/port.ts', 'export const old = 1;\n');
    old('docs/sagas.md', '# old\n');
    for (const moved of ['src/generated/runtime/logger.ts', 'src/generated/docs/sagas.md']) {
      rmSync(join(dir, moved));
      delete manifest.files[moved];
    }
    writeFileSync(join(dir, MANIFEST_PATH), JSON.stringify(manifest));
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    pkg.scripts['start'] = 'tsx src/main.ts';
    write('package.json', JSON.stringify(pkg, null, 2));
    write('src/services/payment/extra.ts', "import { executeLater } from '../../edasaga-runtime/db/port.js';\nexport const later = executeLater;\n");
    upgrade = await run();
  }, 120_000);
  afterAll(() => removeWorkspace(dir));

  it('moves its own files and says so', () => {
    expect(upgrade.exitCode).toBe(0);
    const text = renderOutcome(upgrade, {}).join('\n');
    expect(text).toMatch(/moved 2 of edasaga's files into src\/generated\/ \(src\/edasaga-runtime\/ -> src\/generated\/runtime\/, 1 files; docs\/sagas\.md -> src\/generated\/docs\/sagas\.md\); none of your files was moved or changed/);
    expect(existsSync(join(dir, 'src/edasaga-runtime/logger.ts'))).toBe(false);
    expect(existsSync(join(dir, 'docs/sagas.md'))).toBe(false);
    expect(read('src/generated/docs/sagas.md')).toContain('stateDiagram');
  });

  it('keeps forwarding files where package.json and the user code point, and they compile', async () => {
    expect(read('src/main.ts')).toContain("import './generated/main.js';");
    expect(read('src/edasaga-runtime/db/port.ts')).toContain("export * from '../../generated/runtime/db/port.js';");
    expect(upgrade.result?.notices).toEqual(
      expect.arrayContaining([expect.stringContaining('package.json runs src/main.ts, which moved to src/generated/main.ts'), expect.stringContaining('your code imports src/edasaga-runtime/db/port.js')]),
    );
    expect(read('src/services/payment/extra.ts')).toContain("'../../edasaga-runtime/db/port.js'");
    expect(readExistingProject(dir).oldRuntimeImports).toEqual(['db/port']);
    expect(await typecheck(dir)).toBe('');
  }, 60_000);

  it('drops a forwarding file once nothing points at it', async () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    pkg.scripts['start'] = 'tsx src/generated/main.ts';
    write('package.json', JSON.stringify(pkg, null, 2));
    write('src/services/payment/extra.ts', "import { executeLater } from '../../generated/runtime/index.js';\nexport const later = executeLater;\n");
    const again = await run();
    expect(again.result?.changes.filter((c) => c.kind === 'delete').map((c) => c.path).sort()).toEqual(['src/edasaga-runtime/db/port.ts', 'src/main.ts']);
    expect(again.result?.notices).toEqual([]);
    expect((await run({ check: true })).exitCode).toBe(0);
  });
});
