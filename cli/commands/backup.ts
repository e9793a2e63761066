import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadAdminEnv } from '../../runtime/env.js';
import { checkIntegrity } from '../../runtime/sqlite-check.js';
import { ClassroomError } from '../../shared/errors/classroom-error.js';
import { adminClientFromConfig } from '../../server/admin-client.js';
import { DATABASE_FILE, SERVER_RECOVERY } from '../../server/store/database.js';
import { salvageDatabase } from '../../server/store/salvage.js';
import type { CliContext } from '../main.js';

/** A restore that cannot go ahead: the message says why and what to do. */
export class RestoreError extends ClassroomError {
  override readonly name = 'RestoreError';
}

/**
 * `mqtt-classroom backup`: asks the running server for an online backup (its admin
 * API), so it works whoever owns DATA_DIR (the systemd unit's own user) and copies
 * a consistent snapshot while votes keep coming.
 */
export async function runBackup(options: { server?: string }, ctx: CliContext): Promise<void> {
  const config = loadAdminEnv({ env: ctx.env });
  const admin = adminClientFromConfig(config, options.server === undefined ? {} : { serverUrl: options.server });
  const { file, bytes } = await admin.backup();
  ctx.stdout(`backed up to ${file} (${bytes} bytes)\n`);
}

/**
 * `mqtt-classroom restore FILE`, with the server stopped: checks the backup, moves
 * the current database (and its -wal/-shm) aside, never deleting it, and puts the
 * backup in its place.
 */
export function runRestore(backup: string, ctx: CliContext): void {
  const config = loadAdminEnv({ env: ctx.env });
  const source = resolve(backup);
  const target = join(config.dataDir, DATABASE_FILE);
  const counts = checkedBackup(source);
  if (existsSync(target)) assertNotInUse(target);
  const aside = `${target}.before-restore-${new Date().toISOString().replace(/[-:.]/g, '')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(target + suffix)) renameSync(target + suffix, aside + suffix);
  }
  copyFileSync(source, target);
  ctx.stdout(
    `restored ${source} to ${target}: ${counts.polls} polls, ${counts.votes} votes, ${counts.rejections} rejections.\n` +
      (existsSync(aside) ? `The previous database is kept as ${aside}.\n` : '') +
      'Start the server again (sudo systemctl start mqtt-classroom-server).\n',
  );
}

function checkedBackup(file: string): { polls: number; votes: number; rejections: number } {
  if (!existsSync(file)) throw new RestoreError(`there is no file ${file}: give a backup from DATA_DIR/backups`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new RestoreError(`cannot read the backup ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    checkIntegrity(db, { file, recovery: SERVER_RECOVERY });
    const count = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { polls: count('polls'), votes: count('votes'), rejections: count('rejections') };
  } catch (error) {
    if (error instanceof ClassroomError) throw error;
    throw new RestoreError(`${file} is not a backup of the mqtt-classroom database (${(error as Error).message})`, { cause: error });
  } finally {
    db.close();
  }
}

/**
 * Leaving WAL mode needs every other connection closed: SQLITE_BUSY means a server
 * has the database open, and replacing the file under it would lose its votes.
 */
function assertNotInUse(target: string): void {
  let db: Database.Database;
  try {
    db = new Database(target, { timeout: 0 });
  } catch {
    return; // unreadable: nothing can be using it
  }
  try {
    db.pragma('journal_mode = DELETE');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new RestoreError(`${target} is in use: stop the server first (sudo systemctl stop mqtt-classroom-server), then restore`, { cause: error });
    }
    // A damaged database: it is moved aside as it is.
  } finally {
    db.close();
  }
}

/**
 * `mqtt-classroom salvage DAMAGED [--output FILE]`: copies what still reads into a
 * new database (default DAMAGED.salvaged.sqlite), to `restore` when no backup is
 * newer, or to export from.
 */
export function runSalvage(damagedFile: string, options: { output?: string }, ctx: CliContext): void {
  const source = resolve(damagedFile);
  if (!existsSync(source)) throw new RestoreError(`there is no file ${source}`);
  const output = resolve(options.output ?? `${source}.salvaged.sqlite`);
  const { tables } = salvageDatabase(source, output);
  const lines = Object.entries(tables).map(([table, t]) => `  ${table}: ${t.copied} rows copied${t.unreadable > 0 ? `, ${t.unreadable} unreadable` : ''}`);
  ctx.stdout(`salvaged ${source} into ${output}:\n${lines.join('\n')}\nPut it in place with: mqtt-classroom restore ${output}\n`);
}
