import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors/store-error.js';

/** Where a generated admin token is kept, so `mqtt-classroom poll` on the same machine finds it. */
export const ADMIN_TOKEN_FILE = 'admin-token';

export interface AdminToken {
  readonly token: string;
  /** Where it comes from: ADMIN_TOKEN, or the file in DATA_DIR (made now or before). */
  readonly source: 'env' | 'file' | 'generated';
  readonly file: string | null;
}

/**
 * ADMIN_TOKEN when set; otherwise the token saved in DATA_DIR by an earlier start;
 * otherwise a new random one, saved there readable by this user only.
 */
export function resolveAdminToken(configured: string | null, dataDir: string): AdminToken {
  if (configured !== null) return { token: configured, source: 'env', file: null };
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  const saved = readSavedToken(dataDir);
  if (saved !== null) return { token: saved, source: 'file', file };
  const token = randomBytes(24).toString('base64url');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
  } catch (error) {
    throw new StoreError(
      `cannot save the admin token in ${file} (${error instanceof Error ? error.message : String(error)}): ` +
        'make DATA_DIR a writable folder, or set ADMIN_TOKEN in .env.',
      { cause: error },
    );
  }
  return { token, source: 'generated', file };
}

/** The token a server saved in DATA_DIR, or null. */
export function readSavedToken(dataDir: string): string | null {
  const file = join(dataDir, ADMIN_TOKEN_FILE);
  if (!existsSync(file)) return null;
  const token = readFileSync(file, 'utf8').trim();
  return token.length >= 8 ? token : null;
}
