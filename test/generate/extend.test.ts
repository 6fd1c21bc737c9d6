// Inserting members into user files: positions only, the rest of the file untouched.
import { describe, expect, it } from 'vitest';
import { extendSource, loadTs } from '../../src/generate/extend.js';
import type { UserFileExtension } from '../../src/generate/plan.js';

const ts = await loadTs();
const extension: UserFileExtension = {
  container: 'handlers',
  members: [
    { name: 'A', text: '  async A(message: AMessage): Promise<void> {\n    void message;\n  },\n' },
    { name: 'B', text: '  async B(message: BMessage): Promise<void> {\n    void message;\n  },\n' },
  ],
  imports: { './generated.js': ['AMessage', 'BMessage'] },
};

describe('extendSource', () => {
  it('adds only the missing member and the import it needs', () => {
    const before = "import type { AMessage } from './generated.js';\n\nexport const handlers = {\n  async A(message: AMessage): Promise<void> {\n    console.log(message);\n  },\n} satisfies object;\n";
    const outcome = extendSource(ts, before, 'x.ts', extension);
    expect(outcome).toEqual({
      ok: true,
      added: ['B'],
      text: "import type { AMessage, BMessage } from './generated.js';\n\nexport const handlers = {\n  async A(message: AMessage): Promise<void> {\n    console.log(message);\n  },\n  async B(message: BMessage): Promise<void> {\n    void message;\n  },\n} satisfies object;\n",
    });
  });

  it('adds a new import when the module is not imported yet, after the last import', () => {
    const before = "import { x } from './x.js';\n// comment\nexport const handlers = {};\n";
    const outcome = extendSource(ts, before, 'x.ts', extension);
    expect(outcome.ok && outcome.text).toBe(
      "import { x } from './x.js';\nimport type { AMessage, BMessage } from './generated.js';\n// comment\nexport const handlers = {\n  async A(message: AMessage): Promise<void> {\n    void message;\n  },\n  async B(message: BMessage): Promise<void> {\n    void message;\n  },\n};\n",
    );
  });

  it('uses `type` in a value import, keeps CRLF line endings, and handles classes', () => {
    const crlf = "import { helper } from './generated.js';\r\nexport const handlers = {\r\n  A: helper,\r\n};\r\n";
    const outcome = extendSource(ts, crlf, 'x.ts', extension);
    expect(outcome.ok && outcome.text).toBe(
      "import { helper, type BMessage } from './generated.js';\r\nexport const handlers = {\r\n  A: helper,\r\n  async B(message: BMessage): Promise<void> {\r\n    void message;\r\n  },\r\n};\r\n",
    );
    const klass = 'export class handlers {\n  async A(): Promise<void> {}\n}\n';
    const classOutcome = extendSource(ts, klass, 'x.ts', { container: 'handlers', members: extension.members });
    expect(classOutcome.ok && classOutcome.text).toBe(
      'export class handlers {\n  async A(): Promise<void> {}\n  async B(message: BMessage): Promise<void> {\n    void message;\n  }\n}\n',
    );
  });

  it('reports a container it cannot find or use', () => {
    expect(extendSource(ts, 'export const other = {};\n', 'x.ts', extension)).toEqual({ ok: false, reason: 'no exported object or class named "handlers" was found' });
    expect(extendSource(ts, 'export const handlers = [];\n', 'x.ts', extension)).toEqual({ ok: false, reason: '"handlers" is not an object literal' });
  });
});
