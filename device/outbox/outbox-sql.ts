import type Database from 'better-sqlite3';
import type { OutboxEntry } from './sqlite-store.js';

/** A row of the outbox table as SQLite returns it. */
export interface OutboxRow {
  seq: number;
  id: string;
  topic: string;
  payload: string;
  button: string | null;
  created_at: number;
}

export function fromRow(row: OutboxRow): OutboxEntry {
  return { seq: row.seq, id: row.id, topic: row.topic, payload: row.payload, button: row.button, createdAt: row.created_at };
}

/** The outbox store's statements (device/outbox/sqlite-store.ts), prepared once per open. */
export function prepareOutbox(db: Database.Database) {
  return {
    count: db.prepare('SELECT COUNT(*) AS n FROM outbox'),
    insert: db.prepare('INSERT INTO outbox (id, topic, payload, button, created_at) VALUES (?, ?, ?, ?, ?)'),
    byId: db.prepare('SELECT seq, id, topic, payload, button, created_at FROM outbox WHERE id = ?'),
    remove: db.prepare('DELETE FROM outbox WHERE id = ?'),
    head: db.prepare('SELECT seq, id, topic, payload, button, created_at FROM outbox ORDER BY seq LIMIT ?'),
    getState: db.prepare('SELECT value FROM state WHERE key = ?'),
    setState: db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
  };
}

export type OutboxStatements = ReturnType<typeof prepareOutbox>;
