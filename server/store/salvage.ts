import { closeSync, copyFileSync, existsSync, openSync, readSync, rmSync, statSync, truncateSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError } from '../errors/store-error.js';
import { openDatabase } from './database.js';

/** What a salvage read back, per table, and what it could not. */
export interface SalvageReport {
  readonly tables: Readonly<Record<string, { readonly copied: number; readonly unreadable: number }>>;
}

/**
 * Every table of the schema, read from the new database that openDatabase just made
 * (so a table a later migration adds is salvaged without anyone listing it here), in
 * the order they were made: parents first, so the copy reads like the original.
 * Foreign keys stay off meanwhile (a vote whose poll row is lost is still worth
 * keeping for the export).
 */
function schemaTables(db: Database.Database): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { name: string }[];
  return rows.map((row) => row.name);
}

/**
 * Copies what still reads from a damaged database into a new one, row by row.
 * SQLite's `.recover` is not in better-sqlite3; this is the part of it that matters
 * here. A table is first read in one scan; if the scan hits a damaged page, each
 * rowid up to the largest one found is read on its own, so only the rows on damaged
 * pages are lost. The indexes are rebuilt in the copy, not read.
 */
export function salvageDatabase(damagedFile: string, output: string): SalvageReport {
  if (existsSync(output)) throw new StoreError(`${output} exists already: give another --output or move it away`);
  // Read from a copy: the damaged file stays as it was, whatever SQLite does on open.
  const reading = `${output}.reading`;
  copyFileSync(damagedFile, reading);
  padToHeaderSize(reading);
  const source = new Database(reading, { readonly: true, fileMustExist: true });
  let target: Database.Database | null = null;
  const tables: Record<string, { copied: number; unreadable: number }> = {};
  try {
    target = openDatabase(output);
    target.pragma('foreign_keys = OFF');
    for (const table of schemaTables(target)) tables[table] = copyTable(source, target, table);
    target.pragma('foreign_keys = ON');
  } finally {
    source.close();
    target?.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(reading + suffix, { force: true });
  }
  return { tables };
}

/**
 * A file cut short (a power cut while it grew) is refused whole by SQLite, schema
 * and all, when it is shorter than its header says. Padded back to that size with
 * zeros, only the pages that were cut off fail to read.
 */
function padToHeaderSize(file: string): void {
  const header = Buffer.alloc(100);
  const fd = openSync(file, 'r');
  try {
    if (readSync(fd, header, 0, 100, 0) < 100) return;
  } finally {
    closeSync(fd);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const bytes = header.readUInt32BE(28) * pageSize;
  if (pageSize >= 512 && bytes > statSync(file).size) truncateSync(file, bytes);
}

function copyTable(source: Database.Database, target: Database.Database, table: string): { copied: number; unreadable: number } {
  let columns: string[];
  try {
    columns = (source.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  } catch {
    return { copied: 0, unreadable: 0 };
  }
  if (columns.length === 0) return { copied: 0, unreadable: 0 };
  const list = columns.join(', ');
  const insert = target.prepare(`INSERT OR IGNORE INTO ${table} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  const put = target.transaction((rows: unknown[][]) => {
    for (const row of rows) insert.run(...row);
  });
  try {
    const rows = source.prepare(`SELECT ${list} FROM ${table}`).raw().all() as unknown[][];
    put(rows);
    return { copied: rows.length, unreadable: 0 };
  } catch {
    // A damaged page on the way: read the rows one by one.
  }
  const last = largestRowid(source, table);
  const one = source.prepare(`SELECT ${list} FROM ${table} WHERE rowid = ?`).raw();
  const rows: unknown[][] = [];
  let unreadable = 0;
  for (let rowid = 1; rowid <= last; rowid += 1) {
    try {
      const row = one.get(rowid) as unknown[] | undefined;
      if (row !== undefined) rows.push(row);
    } catch {
      unreadable += 1;
    }
  }
  put(rows);
  return { copied: rows.length, unreadable };
}

/** The largest rowid: from the table's rightmost page, or, when that is damaged, the other tables' counts. */
function largestRowid(source: Database.Database, table: string): number {
  try {
    return (source.prepare(`SELECT max(rowid) AS n FROM ${table}`).get() as { n: number | null }).n ?? 0;
  } catch {
    // Rowids are dense (votes are never deleted): the page count bounds them.
    return (source.pragma('page_count', { simple: true }) as number) * 100;
  }
}
