// Decides whether bytes are text we can parse: strict UTF-8, no NUL bytes. A leading BOM is dropped.
// When they are not, says where the first offending byte is (line and column, as every other
// diagnostic does: columns count UTF-16 code units, like the parsers' positions).

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string; line: number; col: number };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
/** Decodes anything: invalid sequences become U+FFFD, so the valid text before them can be measured. */
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const NUL_REASON = 'looks binary (contains NUL bytes)';
const UTF8_REASON = 'is not valid UTF-8 (looks binary)';

export function decodeText(bytes: Uint8Array): DecodeResult {
  const firstNul = bytes.indexOf(0);
  if (firstNul === -1) {
    try {
      return { ok: true, text: utf8.decode(bytes) };
    } catch {
      // fall through: find the first invalid sequence
    }
  }
  const text = lenient.decode(bytes);
  const invalid = firstInvalidSequence(bytes, text);
  const nul = firstNul === -1 ? -1 : text.indexOf('\u0000');
  const at = invalid === -1 ? nul : nul === -1 ? invalid : Math.min(invalid, nul);
  return { ok: false, reason: at === nul ? NUL_REASON : UTF8_REASON, ...lineCol(text, at) };
}

/**
 * The index in `text` (the lenient decoding of `bytes`) of the first U+FFFD that stands for an
 * invalid sequence rather than a real U+FFFD (EF BF BD) in the file; -1 when there is none.
 */
function firstInvalidSequence(bytes: Uint8Array, text: string): number {
  let byte = 0;
  let measured = 0;
  for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) {
    // Everything before i decoded cleanly, so its UTF-8 length is its length in the file.
    byte += Buffer.byteLength(text.slice(measured, i));
    measured = i;
    if (bytes[byte] !== 0xef || bytes[byte + 1] !== 0xbf || bytes[byte + 2] !== 0xbd) return i;
  }
  return -1;
}

/** The same checks for text that arrived as a string (e.g. read through `git show`). */
export function checkText(text: string): DecodeResult {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) return { ok: false, reason: NUL_REASON, ...lineCol(text, nul) };
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** 1-based line and column of `offset` in `text` (CRLF, CR and LF end lines); a leading BOM is not a column. */
export function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}
