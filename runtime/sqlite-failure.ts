import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Why SQLite failed, in the user's words, and what fixes it. */
export interface SqliteFailure {
  /** SQLite's code (SQLITE_FULL, SQLITE_CORRUPT, ...), or "unknown". */
  readonly code: string;
  /** What happened: "the disk is full". */
  readonly cause: string;
  /** What to do about it. */
  readonly fix: string;
  /** The file itself is damaged: restarting cannot help, only a recovery. */
  readonly damaged: boolean;
}

export interface SqliteFailureOptions {
  /** The database file, named in the fix. */
  readonly file: string;
  /** Where docs say how to recover (docs/server.md or docs/device.md). */
  readonly recovery: string;
}

// Under this many free bytes an I/O error is almost surely the full disk: SQLite says
// SQLITE_FULL only when a write is refused for space, but a WAL that cannot grow, or a
// -shm file that cannot be made, comes back as a plain "disk I/O error".
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * Names the cause of a better-sqlite3 error. SQLite's own texts ("database or disk is
 * full", "disk I/O error", "database disk image is malformed") say neither which file
 * nor what to do; this does both, for the server's store and the device's outbox.
 */
export function explainSqliteFailure(error: unknown, options: SqliteFailureOptions): SqliteFailure {
  const { file, recovery } = options;
  const code = codeOf(error);
  const freeSpace = `free space on the disk that holds ${dirname(file)} (see df -h), then restart`;
  if (code === 'SQLITE_FULL' || (code.startsWith('SQLITE_IOERR') && nearlyFull(file))) {
    return { code, cause: 'the disk is full', fix: freeSpace, damaged: false };
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return {
      code,
      cause: `the file ${file} is damaged`,
      fix: `stop the service, move ${file} aside and restore the latest backup, or salvage what reads (${recovery})`,
      damaged: true,
    };
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return {
      code,
      cause: `the disk could not read or write ${file} (an I/O error)`,
      fix: `check the disk or SD card (dmesg shows its errors) and that it has free space, then restart; if it persists, restore the latest backup (${recovery})`,
      damaged: false,
    };
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return {
      code,
      cause: `${file} cannot be written`,
      fix: `check that ${dirname(file)} exists and that this user may write it and ${file}`,
      damaged: false,
    };
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return { code, cause: `another process holds ${file}`, fix: 'stop the other process that uses it, then restart', damaged: false };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code, cause: `storing in ${file} failed (${message})`, fix: `check the disk, then restart; see ${recovery}`, damaged: false };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : 'unknown';
}

function nearlyFull(file: string): boolean {
  try {
    const fs = statfsSync(dirname(file));
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}
