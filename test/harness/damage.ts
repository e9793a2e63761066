import { closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Damages a closed SQLite file the three ways a power cut or a failing SD card
 * does (issue 14): cut it short, overwrite a page in its middle, or overwrite the
 * root page of one index (found in sqlite_master and the file's page size).
 */
export type Damage = 'truncate' | 'middle-page' | 'index';

export function damageFile(file: string, how: Damage, index?: string): void {
  const { pageSize, pages, indexRoot } = layout(file, index);
  if (how === 'truncate') {
    truncateSync(file, Math.floor(pages / 2) * pageSize);
    return;
  }
  const page = how === 'middle-page' ? Math.floor(pages / 2) : indexRoot;
  if (page === null) throw new Error(`no index ${index ?? '(none named)'} in ${file}`);
  const fd = openSync(file, 'r+');
  try {
    // Page n (1-based) starts at (n - 1) * pageSize.
    writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (page - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

function layout(file: string, index: string | undefined): { pageSize: number; pages: number; indexRoot: number | null } {
  const db = new Database(file, { readonly: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const row = index === undefined ? undefined : (db.prepare('SELECT rootpage FROM sqlite_master WHERE type = ? AND name = ?').get('index', index) as { rootpage: number } | undefined);
    const pages = Math.floor(statSync(file).size / pageSize);
    if (pages < 4) throw new Error(`${file} is too small (${pages} pages) to damage in its middle`);
    return { pageSize, pages, indexRoot: row?.rootpage ?? null };
  } finally {
    db.close();
  }
}
