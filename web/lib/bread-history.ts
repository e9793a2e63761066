/**
 * The bake's curve on `/pain` and the kiosk: the readings the hub kept since the
 * bake started (`GET /api/bread/history`), then each new reading from MQTT. A
 * page subscribes only once the history is in, so a live reading is never drawn
 * twice: the one retained copy that arrives on subscribing is skipped when it is
 * the history's last reading (shared rule with the hub, server/room/bread-keeper.ts).
 * A new bake announced by the hub (`P/bread/bake`) empties the curve of a page left open.
 */
import { decodeBakeStart, parseBreadHistory } from '../../shared/codecs/bread-history.js';

/** Seconds (hub clock) and °C, the columns uPlot draws. */
export interface BakeCurve {
  readonly t: number[];
  readonly c: number[];
  /** When the bake drawn started (hub epoch ms); null when the hub did not say (no hub history). */
  startedAt: number | null;
}

/** The hub's readings of this bake; null when it has none to give (an older hub, the course's static pages). */
export async function fetchBake(): Promise<BakeCurve | null> {
  try {
    const response = await fetch('/api/bread/history', { cache: 'no-store' });
    if (!response.ok) return null;
    const history = parseBreadHistory(await response.json());
    if (history === null) return null;
    return { t: history.readings.map(([at]) => at / 1000), c: history.readings.map(([, c]) => c), startedAt: history.startedAt };
  } catch {
    return null;
  }
}

/**
 * Adds a reading heard on MQTT at `atMs` (hub clock: the page's clock plus its
 * offset). False when it is the broker's retained copy of the last point, or a
 * probe fault; keeps at most `max` points.
 */
export function addReading(curve: BakeCurve, celsius: number | null, retained: boolean, atMs: number, max = 5_000): boolean {
  if (celsius === null || (retained && curve.c.at(-1) === celsius)) return false;
  curve.t.push(atMs / 1000);
  curve.c.push(celsius);
  if (curve.t.length > max) {
    curve.t.splice(0, curve.t.length - max);
    curve.c.splice(0, curve.c.length - max);
  }
  return true;
}

/**
 * The hub's retained `P/bread/bake`: a bake that started after the one drawn (the
 * teacher's "new bake") empties the curve. True when it did.
 */
export function takeBakeStart(curve: BakeCurve, payload: Uint8Array): boolean {
  const startedAt = decodeBakeStart(new TextDecoder().decode(payload));
  if (startedAt === null || curve.startedAt === null || startedAt <= curve.startedAt) return false;
  curve.t.length = 0;
  curve.c.length = 0;
  curve.startedAt = startedAt;
  return true;
}
