// Reads one input file from disk, turning every way that can go wrong into a Diagnostic:
// missing file, a directory, a file too large, binary content. Never throws for user mistakes.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics.js';
import { MAX_FILE_BYTES } from './limits.js';
import { decodeText } from './decode-text.js';

export type ReadResult = { ok: true; text: string } | { ok: false; diagnostic: Diagnostic };

export function readSourceFile(file: string, what = 'file'): ReadResult {
  let fd: number;
  try {
    // stat first so a directory gives a designed error instead of EISDIR from read.
    const st = statSync(file);
    if (st.isDirectory()) {
      return fail(file, 'E_NOT_A_FILE', `${what} is a directory, expected a YAML file`);
    }
    if (!st.isFile()) return fail(file, 'E_NOT_A_FILE', `${what} is not a regular file`);
    fd = openSync(file, 'r');
  } catch (err) {
    return fail(file, ioCode(err), ioMessage(err, what));
  }
  try {
    const st = fstatSync(fd);
    if (st.size > MAX_FILE_BYTES) {
      return fail(
        file,
        'E_FILE_TOO_LARGE',
        `${what} is ${formatBytes(st.size)}, larger than the ${formatBytes(MAX_FILE_BYTES)} limit`,
      );
    }
    // Read at most one byte past the limit, in case the file grows between stat and read.
    const buf = Buffer.alloc(Math.min(st.size, MAX_FILE_BYTES) + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
      if (n === buf.length) break;
    }
    if (n > MAX_FILE_BYTES) {
      return fail(file, 'E_FILE_TOO_LARGE', `${what} is larger than the ${formatBytes(MAX_FILE_BYTES)} limit`);
    }
    const decoded = decodeText(buf.subarray(0, n));
    if (!decoded.ok) {
      return { ok: false, diagnostic: { code: 'E_BINARY_FILE', severity: 'error', message: `${what} ${decoded.reason}; expected UTF-8 YAML text`, file, line: decoded.line, col: decoded.col } };
    }
    return { ok: true, text: decoded.text };
  } catch (err) {
    return fail(file, ioCode(err), ioMessage(err, what));
  } finally {
    closeSync(fd);
  }
}

function fail(file: string, code: DiagnosticCode, message: string): ReadResult {
  return { ok: false, diagnostic: { code, severity: 'error', message, file } };
}

function ioCode(err: unknown): DiagnosticCode {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'E_FILE_NOT_FOUND';
  if (code === 'EISDIR') return 'E_NOT_A_FILE';
  return 'E_FILE_UNREADABLE';
}

function ioMessage(err: unknown, what: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return `${what} does not exist`;
  if (code === 'EISDIR') return `${what} is a directory, expected a YAML file`;
  if (code === 'EACCES' || code === 'EPERM') return `${what} cannot be read: permission denied`;
  return `${what} cannot be read (${code ?? 'unknown error'})`;
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}
