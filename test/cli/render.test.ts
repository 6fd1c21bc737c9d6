import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { displayPath, renderDiagnostics, summaryLine } from '../../src/cli/render.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { withModeline } from '../../src/init/init.js';

const text = 'a: 1\nmessages:\n  topc: orders\n';
const sources = { text: (f: string) => (f === '/p/catalog.yaml' ? text : undefined) };
const d: Diagnostic = { code: 'E_UNKNOWN_PROPERTY', severity: 'error', message: 'unknown property "topc"', file: '/p/catalog.yaml', line: 3, col: 3, endLine: 3, endCol: 7, hint: 'did you mean "topic"?' };

describe('renderDiagnostics', () => {
  it('prints file:line:col, a code frame and the hint', () => {
    expect(renderDiagnostics([d], { format: 'text', color: false, cwd: '/p', sources })).toBe(
      'catalog.yaml:3:3: error E_UNKNOWN_PROPERTY: unknown property "topc"\n  3 |   topc: orders\n    |   ^^^^\n  hint: did you mean "topic"?\n',
    );
  });

  it('colors only when asked', () => {
    expect(renderDiagnostics([d], { format: 'text', color: true, cwd: '/p', sources })).toContain('\u001b[');
    expect(renderDiagnostics([d], { format: 'text', color: false, cwd: '/p', sources })).not.toContain('\u001b[');
  });

  it('prints diagnostics without a position or file', () => {
    const usage: Diagnostic = { code: 'E_USAGE', severity: 'error', message: 'no catalog' };
    expect(renderDiagnostics([usage], { format: 'text', color: false })).toBe('error E_USAGE: no catalog\n');
  });

  it('windows very long lines around the span', () => {
    const long = 'x: { ' + 'a: 1, '.repeat(60) + 'typ: string }';
    const diag: Diagnostic = { ...d, line: 1, col: long.indexOf('typ') + 1, endLine: 1, endCol: long.indexOf('typ') + 4 };
    const out = renderDiagnostics([diag], { format: 'text', color: false, cwd: '/p', sources: { text: () => long } });
    const [, frame, carets] = out.split('\n');
    expect(frame!.length).toBeLessThan(160);
    expect(frame!.indexOf('typ')).toBe(carets!.indexOf('^^^'));
  });

  it('never echoes control characters or bidi overrides of a file to the terminal (E_BINARY_FILE now has a frame)', () => {
    const hostile = 'a: "\u001b]0;pwned\u0007\u001b[2J x \u202e evil"\n';
    const diag: Diagnostic = { code: 'E_BINARY_FILE', severity: 'error', message: 'm', file: '/p/catalog.yaml', line: 1, col: hostile.indexOf('x') + 1 };
    const out = renderDiagnostics([diag], { format: 'text', color: false, cwd: '/p', sources: { text: () => hostile } });
    expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    const [, frame, carets] = out.split('\n');
    expect(frame!.indexOf('x')).toBe(carets!.indexOf('^'));
  });

  it('renders JSON with relative paths and counts', () => {
    const warn: Diagnostic = { code: 'W_X', severity: 'warning', message: 'w' };
    expect(JSON.parse(renderDiagnostics([d, warn], { format: 'json', color: false, cwd: '/p' }))).toEqual({
      diagnostics: [
        { code: 'E_UNKNOWN_PROPERTY', severity: 'error', message: 'unknown property "topc"', file: 'catalog.yaml', line: 3, col: 3, endLine: 3, endCol: 7, hint: 'did you mean "topic"?' },
        { code: 'W_X', severity: 'warning', message: 'w' },
      ],
      errors: 1,
      warnings: 1,
    });
    expect(summaryLine([d, warn])).toBe('1 error, 1 warning');
  });

  it('keeps paths outside the working directory absolute', () => {
    expect(displayPath('/elsewhere/c.yaml', '/p')).toBe('/elsewhere/c.yaml');
    expect(displayPath('/p/sagas/s.yaml', '/p')).toBe('sagas/s.yaml');
  });
});

describe('exit codes', () => {
  it('0 ok or warnings, 2 for any error in the input', () => {
    expect(exitCodeFor([])).toBe(0);
    expect(exitCodeFor([{ code: 'W_X', severity: 'warning', message: '' }])).toBe(0);
    expect(exitCodeFor([d])).toBe(2);
    expect(exitCodeFor([d, { code: 'E_YAML_SYNTAX', severity: 'error', message: '' }])).toBe(2);
  });
});

describe('init modelines', () => {
  it('replaces or adds the modeline relative to the file', () => {
    expect(withModeline('# yaml-language-server: $schema=../../schemas/catalog.schema.json\nedasaga: 1\n', 'catalog.yaml', 'catalog')).toBe(
      '# yaml-language-server: $schema=./.edasaga/schemas/catalog.schema.json\nedasaga: 1\n',
    );
    expect(withModeline('edasaga: 1\n', 'sagas/x.yaml', 'saga')).toBe('# yaml-language-server: $schema=../.edasaga/schemas/saga.schema.json\nedasaga: 1\n');
  });
});
