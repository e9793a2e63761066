import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isValidId } from '../shared/ids.js';

/**
 * The device's voter id: a random secret made once and kept in a file next to its
 * outbox (mode 0600), so it survives restarts and a power cut like the votes do.
 * Not the device id: that one is public (it names the status topic), and a voter
 * id anyone knows is one anyone can vote with (docs/protocol.md, "Voter privacy").
 */
export function loadVoterSecret(path: string): string {
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (isValidId(existing)) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // 128 random bits as hex: a valid topic level, unguessable.
  const secret = `dev-${randomBytes(16).toString('hex')}`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
