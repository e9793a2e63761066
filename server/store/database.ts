import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { DamagedFileError } from '../../runtime/errors/damaged-file-error.js';
import { checkIntegrity, damaged } from '../../runtime/sqlite-check.js';
import { explainSqliteFailure } from '../../runtime/sqlite-failure.js';
import { StoreError } from '../errors/store-error.js';

export type Db = Database.Database;

/** The file name of the server's database inside DATA_DIR. */
export const DATABASE_FILE = 'classroom.sqlite';

/** Where a damaged database's recovery is explained. */
export const SERVER_RECOVERY = 'docs/server.md, "Backup, restore and recovery"';

// Each entry upgrades the schema by one version (PRAGMA user_version); never edit a
// shipped entry, append a new one.
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE polls (
    id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    options TEXT NOT NULL,            -- JSON [{id, label}]
    policy TEXT NOT NULL,
    state TEXT NOT NULL,
    opened_at INTEGER,
    created_at INTEGER NOT NULL,
    round INTEGER NOT NULL DEFAULT 1, -- the current round; older ones are archived
    seq INTEGER NOT NULL DEFAULT 0    -- snapshot seq at the last poll change
  );
  -- A reset starts a new round; the old round's votes stay, archived.
  CREATE TABLE rounds (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    round INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    archived_at INTEGER,
    PRIMARY KEY (poll_id, round)
  );
  -- Every vote that counted (in a last-wins poll, also those a later vote replaced).
  CREATE TABLE votes (
    n INTEGER PRIMARY KEY,            -- arrival order, replayed in this order
    poll_id TEXT NOT NULL REFERENCES polls(id),
    round INTEGER NOT NULL,
    vote_id TEXT,                     -- null for a plain-text vote
    option TEXT NOT NULL,
    voter TEXT,
    source TEXT NOT NULL,
    ts INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    seq INTEGER NOT NULL              -- the tally's seq right after this vote
  );
  CREATE UNIQUE INDEX votes_by_id ON votes(poll_id, vote_id) WHERE vote_id IS NOT NULL;
  CREATE INDEX votes_by_round ON votes(poll_id, round);
  -- Every vote that was refused, with why. poll_id is null when no poll could
  -- take it (unknown poll, unreadable topic, legacy vote while no poll is open).
  CREATE TABLE rejections (
    n INTEGER PRIMARY KEY,
    poll_id TEXT REFERENCES polls(id),
    round INTEGER,
    vote_id TEXT,
    voter TEXT,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    topic TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    seq INTEGER
  );
  CREATE UNIQUE INDEX rejections_by_id ON rejections(poll_id, vote_id) WHERE vote_id IS NOT NULL AND poll_id IS NOT NULL;
  CREATE INDEX rejections_by_round ON rejections(poll_id, round);
  `,
  // Every opening of a poll, so a press a device made without knowing the open
  // poll is resolved to the poll that was open at that moment (docs/protocol.md).
  // The polls open at this upgrade start their opening at their opened_at; earlier
  // openings were not recorded.
  `
  CREATE TABLE openings (
    poll_id TEXT NOT NULL REFERENCES polls(id),
    opened_at INTEGER NOT NULL,
    closed_at INTEGER
  );
  CREATE INDEX openings_by_poll ON openings(poll_id, opened_at);
  INSERT INTO openings (poll_id, opened_at) SELECT id, opened_at FROM polls WHERE state = 'open' AND opened_at IS NOT NULL;
  `,
  // Lessons, hidden results and countdowns (docs/server.md).
  `
  -- A lesson: an ordered list of questions, each one a poll (lesson-id-1, -2, ...).
  CREATE TABLE lessons (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    current INTEGER                   -- position of the question being run; null before the first
  );
  CREATE TABLE lesson_questions (
    lesson_id TEXT NOT NULL REFERENCES lessons(id),
    position INTEGER NOT NULL,        -- 0, 1, 2, ... in the lesson's order
    poll_id TEXT NOT NULL UNIQUE REFERENCES polls(id),
    correct TEXT,                     -- the correct option's id, or null
    seconds INTEGER,                  -- the countdown, or null
    PRIMARY KEY (lesson_id, position)
  );
  -- 1 while the teacher hides the poll's results (the retained tally then has no counts).
  ALTER TABLE polls ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
  -- When the hub closes the open poll by itself (a countdown), hub epoch ms; null for none.
  ALTER TABLE polls ADD COLUMN deadline INTEGER;
  `,
  // The correct answer (docs/server.md, "Correct answers"): the key stays on the hub until revealed.
  `
  -- The correct option's id, or null; published in the poll only while revealed = 1.
  ALTER TABLE polls ADD COLUMN answer TEXT;
  ALTER TABLE polls ADD COLUMN revealed INTEGER NOT NULL DEFAULT 0;
  `,
  // Quiz mode (docs/web.md, "Quiz mode"): scores per voter, nicknames, teams.
  `
  -- 1 for a quiz; time_bonus: the most extra points a fast correct answer earns (0: none).
  ALTER TABLE lessons ADD COLUMN quiz INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE lessons ADD COLUMN time_bonus INTEGER NOT NULL DEFAULT 0;
  -- The team a box's vote carried (its config's team), or null.
  ALTER TABLE votes ADD COLUMN team TEXT;
  -- A phone's nickname in a quiz, bound to its voter secret; name_key makes names unique without case or accents.
  CREATE TABLE quiz_players (
    lesson_id TEXT NOT NULL REFERENCES lessons(id),
    voter TEXT NOT NULL,
    nickname TEXT NOT NULL,
    name_key TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    PRIMARY KEY (lesson_id, voter)
  );
  CREATE UNIQUE INDEX quiz_players_by_name ON quiz_players(lesson_id, name_key);
  `,
  // The bread readings of the current bake (server/store/bread-store.ts), bounded.
  `
  CREATE TABLE bread_readings (
    n INTEGER PRIMARY KEY,            -- arrival order
    at INTEGER NOT NULL,              -- hub epoch ms when it arrived
    celsius REAL NOT NULL,
    state TEXT                        -- the doneness the device said last, or null
  );
  CREATE INDEX bread_readings_by_at ON bread_readings(at);
  -- One row: when the current bake started (the teacher's "new bake", or the hub's first start).
  CREATE TABLE bread_bake (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    started_at INTEGER NOT NULL
  );
  `,
  // The kiosk's leaderboard, so a restarted hub republishes what the kiosk should show.
  `
  -- One row once a leaderboard was shown: the lesson it was last shown or hidden for.
  CREATE TABLE quiz_leaderboard (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lesson_id TEXT NOT NULL,
    shown INTEGER NOT NULL
  );
  `,
];

/**
 * Opens (creating when needed) the SQLite database, checks that it is whole, and
 * brings its schema up to date. WAL with synchronous=FULL: a commit is on disk when
 * it returns, even across a power cut; batching votes into transactions keeps that
 * to one fsync per batch rather than per vote. A damaged file is a DamagedFileError
 * (the CLI exits 3, which systemd does not restart on); any other failure a
 * StoreError that names the cause (a full disk, permissions) and the fix.
 */
export function openDatabase(path: string): Db {
  let db: Db;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (error) {
    throw storeFailure(path, 'cannot open', error);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    checkIntegrity(db, { file: path, recovery: SERVER_RECOVERY });
    migrate(db);
  } catch (error) {
    db.close();
    throw storeFailure(path, 'cannot prepare', error);
  }
  return db;
}

function storeFailure(path: string, what: string, error: unknown): Error {
  if (error instanceof DamagedFileError) return error;
  const failure = explainSqliteFailure(error, { file: path, recovery: SERVER_RECOVERY });
  if (failure.damaged) return damaged({ file: path, recovery: SERVER_RECOVERY }, failure.code, error);
  if (failure.code === 'unknown') return new StoreError(`${what} the database ${path}: ${messageOf(error)}`, { cause: error });
  return new StoreError(`${what} the database ${path}: ${failure.cause} (${failure.code}). ${capitalised(failure.fix)}.`, { cause: error });
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function migrate(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`it was written by a newer version of mqtt-classroom (schema ${version}); upgrade this program`);
  }
  for (let next = version; next < MIGRATIONS.length; next += 1) {
    db.transaction(() => {
      db.exec(MIGRATIONS[next] as string);
      db.pragma(`user_version = ${next + 1}`);
    })();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
