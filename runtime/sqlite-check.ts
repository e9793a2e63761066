import type Database from 'better-sqlite3';
import { DamagedFileError } from './errors/damaged-file-error.js';
import { type SqliteFailureOptions, explainSqliteFailure } from './sqlite-failure.js';

/**
 * Checks a database's structure at start: every page of every table and index is
 * read once. `quick_check` rather than `integrity_check`: it finds a truncated file,
 * an overwritten page and a damaged index, and costs 0.25 s for a million votes
 * (150 MB, x86-64) where integrity_check, which also matches each index entry to
 * its row, took 1.2 s (measured 2026-12 with a throwaway script). Throws DamagedFileError naming the
 * file and the recovery.
 */
export function checkIntegrity(db: Database.Database, options: SqliteFailureOptions): void {
  let problems: string[];
  try {
    const rows = db.pragma('quick_check(5)') as { quick_check: string }[];
    problems = rows.map((row) => row.quick_check).filter((line) => line !== 'ok');
  } catch (error) {
    const failure = explainSqliteFailure(error, options);
    if (failure.damaged) throw damaged(options, failure.code, error);
    throw error;
  }
  if (problems.length > 0) throw damaged(options, problems.join('; '));
}

/** The one message for a damaged file: which, what SQLite saw, and what to do. */
export function damaged(options: SqliteFailureOptions, detail: string, cause?: unknown): DamagedFileError {
  const { file, recovery } = options;
  return new DamagedFileError(
    file,
    `the file ${file} is damaged (${detail}). Nothing was changed. Move it aside (mv ${file} ${file}.damaged), ` +
      `then restore the latest backup or salvage what can be read: see ${recovery}.`,
    cause === undefined ? undefined : { cause },
  );
}
