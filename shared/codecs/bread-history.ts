/**
 * `GET /api/bread/history` (docs/server.md): the current bake's temperature
 * readings as the hub stored them, so `/pain` and the kiosk draw the bake since
 * it started. Readings are `[at, celsius]` pairs (hub epoch ms), oldest first:
 * compact, since a long bake has thousands.
 *
 * {"startedAt":1700000000000,"state":"cuisson","readings":[[1700000000000,21.5],[1700000005000,23]]}
 */
export type BreadPoint = readonly [at: number, celsius: number];

export interface BreadHistory {
  /** When the current bake started (hub epoch ms); null before any reading. */
  readonly startedAt: number | null;
  /** The doneness the oven said last, as sent; null when unknown. */
  readonly state: string | null;
  readonly readings: readonly BreadPoint[];
}

/** Checks the JSON a page fetched; null when it is not a bread history. */
export function parseBreadHistory(value: unknown): BreadHistory | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { startedAt, state, readings } = value as Record<string, unknown>;
  if (!(startedAt === null || isNumber(startedAt))) return null;
  if (!(state === null || typeof state === 'string')) return null;
  if (!Array.isArray(readings)) return null;
  const points: BreadPoint[] = [];
  for (const r of readings) {
    if (!Array.isArray(r) || r.length !== 2 || !isNumber(r[0]) || !isNumber(r[1])) return null;
    points.push([r[0], r[1]]);
  }
  return { startedAt, state, readings: points };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * `<prefix>/bread/bake` (retained, the hub's): `{"startedAt":1700000000000}`. A page
 * that drew an older bake starts an empty curve when a later one is announced.
 */
export function encodeBakeStart(startedAt: number): string {
  return JSON.stringify({ startedAt });
}

/** The announced start (hub epoch ms); null when the message is not one. */
export function decodeBakeStart(text: string): number | null {
  try {
    const value = JSON.parse(text) as { startedAt?: unknown } | null;
    return value !== null && typeof value === 'object' && isNumber(value.startedAt) ? value.startedAt : null;
  } catch {
    return null;
  }
}
