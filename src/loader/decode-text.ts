// Decides whether bytes are text we can parse: strict UTF-8, no NUL bytes. A leading BOM is dropped.

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodeText(bytes: Uint8Array): DecodeResult {
  if (bytes.includes(0)) return { ok: false, reason: 'looks binary (contains NUL bytes)' };
  try {
    return { ok: true, text: utf8.decode(bytes) };
  } catch {
    return { ok: false, reason: 'is not valid UTF-8 (looks binary)' };
  }
}

/** The same checks for text that arrived as a string (e.g. read through `git show`). */
export function checkText(text: string): DecodeResult {
  if (text.includes('\u0000')) return { ok: false, reason: 'looks binary (contains NUL bytes)' };
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}
