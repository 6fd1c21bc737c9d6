// A stable text form of JSON values (object keys sorted), memoised per object, so that schemas
// and enum values can be compared for equality and deduplicated cheaply.

const memo = new WeakMap<object, string>();

export function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const hit = memo.get(value);
  if (hit !== undefined) return hit;
  let out: string;
  if (Array.isArray(value)) {
    out = '[' + value.map(canonical).join(',') + ']';
  } else {
    const rec = value as Record<string, unknown>;
    out =
      '{' +
      Object.keys(rec)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + canonical(rec[k]))
        .join(',') +
      '}';
  }
  memo.set(value, out);
  return out;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return canonical(a) === canonical(b);
}

const refMemo = new WeakMap<object, boolean>();

/** Whether a schema contains a `$ref` anywhere (then equal text may still mean different schemas). */
export function containsRef(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const hit = refMemo.get(value);
  if (hit !== undefined) return hit;
  let found = false;
  if (Array.isArray(value)) found = value.some(containsRef);
  else {
    for (const [k, v] of Object.entries(value)) {
      if ((k === '$ref' && typeof v === 'string') || containsRef(v)) {
        found = true;
        break;
      }
    }
  }
  refMemo.set(value, found);
  return found;
}

/**
 * Deep equality of two JSON values without building strings: 0 = different, 1 = equal,
 * 2 = equal but containing a `$ref` (equal text may then still mean different schemas when the
 * two sides resolve references in different documents).
 */
export function jsonEqual(a: unknown, b: unknown): 0 | 1 | 2 {
  if (a === b) return a !== null && typeof a === 'object' ? (containsRef(a) ? 2 : 1) : 1;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return 0;
  let sawRef = false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return 0;
    for (let i = 0; i < a.length; i++) {
      const e = jsonEqual(a[i], b[i]);
      if (e === 0) return 0;
      if (e === 2) sawRef = true;
    }
    return sawRef ? 2 : 1;
  }
  if (Array.isArray(b)) return 0;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra);
  if (ka.length !== Object.keys(rb).length) return 0;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(rb, k)) return 0;
    if (k === '$ref' && typeof ra[k] === 'string') sawRef = true;
    const e = jsonEqual(ra[k], rb[k]);
    if (e === 0) return 0;
    if (e === 2) sawRef = true;
  }
  return sawRef ? 2 : 1;
}
