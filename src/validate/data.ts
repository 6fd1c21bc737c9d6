// Defensive readers for parsed data: semantic rules run even when structural checks failed, so
// they must never assume a shape; anything unexpected simply yields nothing to check.

export type Rec = Readonly<Record<string, unknown>>;

export function asRecord(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

export function entries(v: unknown): [string, unknown][] {
  const r = asRecord(v);
  return r ? Object.entries(r) : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
