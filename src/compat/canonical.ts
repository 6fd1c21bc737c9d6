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
