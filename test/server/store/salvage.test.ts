import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/store/database.js';
import { salvageDatabase } from '../../../server/store/salvage.js';
import { tempDataDir } from '../helpers.js';

/** The tables of a database's schema, in the order they were made. */
function tablesOf(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { name: string }[]).map((t) => t.name);
}

/** A value of the column's type that names where it belongs. */
function valueFor(table: string, column: { name: string; type: string }): unknown {
  if (/INT/i.test(column.type)) return 1;
  if (/REAL/i.test(column.type)) return 1.5;
  return `${table}.${column.name}`;
}

/**
 * `mqtt-classroom salvage` copies every table the schema has: it used to copy a
 * hard-coded four (polls, rounds, votes, rejections) and lose the lessons, their
 * questions, the quiz players and the bake. The test fills each table the current
 * schema lists — a table added later is in it without anyone editing this file.
 */
describe('salvageDatabase (server/store/salvage.ts)', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('copies a row of every table of the schema', () => {
    const data = tempDataDir();
    cleanups.push(() => data.remove());
    const file = join(data.dir, 'classroom.sqlite');
    const db = openDatabase(file);
    db.pragma('foreign_keys = OFF');
    const tables = tablesOf(db);
    expect(tables).toEqual(expect.arrayContaining(['polls', 'votes', 'lessons', 'lesson_questions', 'quiz_players', 'bread_readings', 'bread_bake']));
    const original = new Map<string, unknown[]>();
    for (const table of tables) {
      const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; type: string }[];
      const row = columns.map((c) => valueFor(table, c));
      db.prepare(`INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...row);
      original.set(table, db.prepare(`SELECT * FROM ${table}`).all());
    }
    db.close();

    const output = join(data.dir, 'salvaged.sqlite');
    const report = salvageDatabase(file, output);
    const copy = new Database(output, { readonly: true });
    try {
      for (const table of tables) {
        expect(report.tables[table], table).toEqual({ copied: 1, unreadable: 0 });
        expect(copy.prepare(`SELECT * FROM ${table}`).all(), table).toEqual(original.get(table));
      }
    } finally {
      copy.close();
    }
  });
});
