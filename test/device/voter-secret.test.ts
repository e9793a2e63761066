import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadVoterSecret } from '../../device/voter-secret.js';

describe('the device voter secret (SPEC §8: a device id is public, its voter id is not)', () => {
  const dirs: string[] = [];
  const temp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'mqtt-classroom-voter-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is made once, unguessable, readable by its owner only, and the same after a restart', () => {
    const path = join(temp(), 'data', 'voter-box-1');
    const first = loadVoterSecret(path);
    expect(first).toMatch(/^dev-[0-9a-f]{32}$/);
    expect(first).not.toContain('box-1');
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(loadVoterSecret(path)).toBe(first);
    expect(loadVoterSecret(join(temp(), 'voter-box-1'))).not.toBe(first);
  });

  it('replaces a file that does not hold a valid id', () => {
    const path = join(temp(), 'voter-box-1');
    writeFileSync(path, 'bad id/with slash\n');
    const secret = loadVoterSecret(path);
    expect(secret).toMatch(/^dev-/);
    expect(readFileSync(path, 'utf8').trim()).toBe(secret);
  });
});
