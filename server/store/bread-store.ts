import type { BreadHistory, BreadPoint } from '../../shared/codecs/bread-history.js';
import type { Db } from './database.js';

/** Readings kept at most: a reading every 5 s for almost 7 h, about 100 KB of JSON. */
export const MAX_BREAD_READINGS = 5_000;
/** Readings older than this are dropped even within the count: a bake is not a day long. */
export const MAX_BREAD_AGE_MS = 24 * 60 * 60 * 1000;

export interface BreadStoreOptions {
  maxReadings?: number;
  maxAgeMs?: number;
}

/**
 * The current bake's temperature readings (table bread_readings), bounded: each
 * insert drops what is beyond the last `maxReadings` or older than `maxAgeMs`,
 * so the table never grows past a bake whatever the probe sends. A new bake
 * empties it and notes when it started.
 */
export class BreadStore {
  private readonly maxReadings: number;
  private readonly maxAgeMs: number;
  private readonly insert;
  private readonly prune;

  constructor(
    private readonly db: Db,
    options: BreadStoreOptions = {},
  ) {
    this.maxReadings = options.maxReadings ?? MAX_BREAD_READINGS;
    this.maxAgeMs = options.maxAgeMs ?? MAX_BREAD_AGE_MS;
    this.insert = db.prepare('INSERT INTO bread_readings (at, celsius, state) VALUES (?, ?, ?)');
    this.prune = db.prepare('DELETE FROM bread_readings WHERE n <= (SELECT MAX(n) FROM bread_readings) - ? OR at < ?');
  }

  /** The first bake starts at `at` unless one was started before. */
  startBakeIfNone(at: number): void {
    this.db.prepare('INSERT OR IGNORE INTO bread_bake (id, started_at) VALUES (1, ?)').run(at);
  }

  /** Stores one reading (in the current bake). */
  record(at: number, celsius: number, state: string | null): void {
    this.db.transaction(() => {
      this.insert.run(at, celsius, state);
      this.prune.run(this.maxReadings, at - this.maxAgeMs);
    })();
  }

  /** Forgets the readings: the bake shown from now on starts at `at`. */
  newBake(at: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM bread_readings').run();
      this.db.prepare('INSERT INTO bread_bake (id, started_at) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET started_at = excluded.started_at').run(at);
    })();
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM bread_readings').get() as { n: number }).n;
  }

  /** The last reading stored, null when none. */
  last(): { at: number; celsius: number; state: string | null } | null {
    const row = this.db.prepare('SELECT at, celsius, state FROM bread_readings ORDER BY n DESC LIMIT 1').get() as
      | { at: number; celsius: number; state: string | null }
      | undefined;
    return row ?? null;
  }

  /** When the current bake started; null before any reading or new bake. */
  startedAt(): number | null {
    const bake = this.db.prepare('SELECT started_at FROM bread_bake WHERE id = 1').get() as { started_at: number } | undefined;
    return bake?.started_at ?? null;
  }

  history(): BreadHistory {
    const rows = this.db.prepare('SELECT at, celsius FROM bread_readings ORDER BY n').raw().all() as [number, number][];
    return { startedAt: this.startedAt(), state: this.last()?.state ?? null, readings: rows as BreadPoint[] };
  }
}
