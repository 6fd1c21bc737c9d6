// RFC 6901 JSON pointers: how every layer names a place inside a parsed document.

export function escapePointerSegment(segment: string | number): string {
  const s = String(segment);
  // Checked first: almost no segment needs escaping, and pointers are built for every schema node.
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function unescapePointerSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function toPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += '/' + escapePointerSegment(s);
  return out;
}

/** `''` and `'#'` are the whole document; a leading `#` (URI fragment form) is accepted. */
export function parsePointer(pointer: string): string[] | undefined {
  let p = pointer.startsWith('#') ? safeDecode(pointer.slice(1)) : pointer;
  if (p === undefined) return undefined;
  if (p === '') return [];
  if (!p.startsWith('/')) return undefined;
  p = p.slice(1);
  return p.split('/').map(unescapePointerSegment);
}

export function joinPointer(base: string, ...segments: (string | number)[]): string {
  return base + toPointer(segments);
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/** Walks plain parsed data (objects and arrays) along a pointer; own properties only. */
export function getAtPointer(root: unknown, segments: readonly string[]): { found: true; value: unknown } | { found: false } {
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9][0-9]*)$/.test(seg)) return { found: false };
      const i = Number(seg);
      if (i >= cur.length) return { found: false };
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object') {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return { found: false };
      cur = (cur as Record<string, unknown>)[seg];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}
